import type { PrometheusSource } from "@/server/integrations/prometheus/client";
import { PrometheusGuardrails } from "@/server/integrations/kubernetes/prometheus-guardrails";
import type { GuardrailSource } from "@/server/integrations/targets/guardrail-source";
import { instanceTypeOf } from "@/server/integrations/kubernetes/resources";
import type { InstanceCountSource, LiveVariantInstances } from "@/server/integrations/targets/instance-counts";
import { TRAFFIC_SHIFTING } from "@/server/integrations/targets/traffic-shifting";
import { versionVariantName } from "@/server/integrations/targets/variant-name";
import type { KubernetesObject, V1Deployment } from "@kubernetes/client-node";
import { badRequest, notFound } from "@/server/errors";
import type {
  DeploymentTarget,
  EndpointSpec,
  EndpointState,
  VariantSizing,
  VariantSpec,
} from "@/server/integrations/targets/deployment-target";
import { ClusterObjects } from "@/server/integrations/kubernetes/cluster-objects";
import { kubernetesTargetConfigFromEnv, type KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { endpointState, liveInstances, type RouteView } from "@/server/integrations/kubernetes/endpoint-state";
import { endpointLabelSelector } from "@/server/integrations/kubernetes/labels";
import { DEPLOYMENT, HTTP_ROUTE, MANAGED_KINDS, type ObjectKind } from "@/server/integrations/kubernetes/object-kinds";
import { endpointObjectName } from "@/server/integrations/kubernetes/object-names";
import { renderEndpoint } from "@/server/integrations/kubernetes/render-endpoint";
import { renderHttpRoute } from "@/server/integrations/kubernetes/render-http-route";
import { routeReadiness } from "@/server/integrations/kubernetes/route-status";
import { routeMirrors, routeWeights } from "@/server/integrations/kubernetes/route-weights";
import { waitUntilSettled, type WaitOptions } from "@/server/integrations/kubernetes/wait-until-settled";
import { checkWeights } from "@/server/integrations/kubernetes/validate-spec";

type Named = { kind?: string; metadata?: { name?: string } };
const objectKey = (object: Named) => `${object.kind}/${object.metadata?.name ?? ""}`;

async function removeObject(objects: ClusterObjects, kind: ObjectKind, object: KubernetesObject) {
  const name = object.metadata?.name;
  if (name) await objects.remove(kind, name);
}

/**
 * Serves an endpoint on Kubernetes: per variant a Deployment, Service and (for ONNX, when configured) an autoscaler,
 * named after the endpoint and the variant together (see object-names.ts), and one Gateway API HTTPRoute that splits
 * traffic by weight; the endpoint is healthy once the Deployments rolled out and the Gateway accepted the route.
 * Traffic shifting is done by the deployment worker through `setWeights`, so the `rollout` option of `apply` is not
 * used here.
 *
 * A/B tests: a challenger at weight 0 is a backend the gateway sends nothing; a shadow runs like any variant and is
 * the backend of a RequestMirror filter instead of a weighted one. `routing.salt` is not honoured: the gateway picks a
 * backend by weight for every request, so the split is per request, not per caller.
 */
export class KubernetesTarget implements DeploymentTarget, InstanceCountSource {
  readonly kind = "kubernetes" as const;
  readonly trafficShifting = TRAFFIC_SHIFTING.KUBERNETES;

  private connection: ClusterObjects | undefined;

  /** Connects on first use. */
  constructor(
    private readonly config: KubernetesTargetConfig,
    objects?: ClusterObjects,
  ) {
    this.connection = objects;
  }

  get settleTimeoutMs() {
    return this.config.settleTimeoutSeconds * 1000;
  }

  variantName(modelName: string, version: number) {
    return versionVariantName(modelName, version);
  }

  /** Readings of the serving pods' series from the portal's Prometheus, which scrapes this namespace. */
  guardrails(prometheus: PrometheusSource): GuardrailSource {
    return new PrometheusGuardrails(prometheus, this.config.namespace);
  }

  static fromEnv(): KubernetesTarget {
    return new KubernetesTarget(kubernetesTargetConfigFromEnv());
  }

  /** Without a named resource profile a variant runs on the flavour's defaults, priced as "k8s-onnx" / "k8s-vllm". */
  sizing(variant: VariantSpec): VariantSizing {
    return { instanceType: instanceTypeOf(variant), instanceCount: variant.instanceCount ?? 1 };
  }

  /** Each variant's ready replicas (Deployment `status.readyReplicas`) and the instance type it was rendered with. */
  async readInstances(endpointName: string): Promise<LiveVariantInstances[]> {
    const objects = await this.objects();
    const deployments = await objects.list<V1Deployment>(DEPLOYMENT, endpointLabelSelector(endpointName));
    return deployments.map(liveInstances);
  }

  async apply(spec: EndpointSpec): Promise<EndpointState> {
    const rendered = renderEndpoint(spec, this.config);
    const objects = await this.objects();
    for (const object of rendered.workloads) await objects.apply(object);
    await objects.apply(rendered.route);
    const keep = new Set([...rendered.workloads, rendered.route].map(objectKey));
    await this.removeLabelled(spec.endpointName, (object) => !keep.has(objectKey(object)));
    return this.describe(spec.endpointName);
  }

  async setWeights(endpointName: string, weights: Record<string, number>): Promise<EndpointState> {
    const objects = await this.objects();
    const route = await objects.read(HTTP_ROUTE, endpointObjectName(endpointName));
    if (!route) throw notFound(`Endpoint "${endpointName}" on Kubernetes`);
    const current = routeWeights(route);
    const mirrors = routeMirrors(route);
    const mirrored = Object.keys(weights).filter((variantName) => mirrors.includes(variantName));
    if (mirrored.length > 0)
      throw badRequest(
        `Variant ${mirrored.map((name) => `"${name}"`).join(", ")} of endpoint "${endpointName}" is a shadow: it takes no live traffic until an apply makes it a live variant`,
      );
    const unknown = Object.keys(weights).filter((variantName) => !(variantName in current));
    if (unknown.length > 0)
      throw badRequest(`Endpoint "${endpointName}" has no variant ${unknown.map((name) => `"${name}"`).join(", ")}`);
    const merged = { ...current, ...weights };
    checkWeights(merged);
    await objects.apply(renderHttpRoute(endpointName, merged, this.config, mirrors));
    return this.describe(endpointName);
  }

  async describe(endpointName: string): Promise<EndpointState> {
    const objects = await this.objects();
    const [deployments, route] = await Promise.all([
      objects.list<V1Deployment>(DEPLOYMENT, endpointLabelSelector(endpointName)),
      objects.read(HTTP_ROUTE, endpointObjectName(endpointName)),
    ]);
    return endpointState(endpointName, deployments, route ? this.routeView(route) : undefined);
  }

  private routeView(route: KubernetesObject): RouteView {
    return {
      weights: routeWeights(route),
      mirrors: routeMirrors(route),
      readiness: routeReadiness(route, this.config),
    };
  }

  waitUntilSettled(endpointName: string, options: WaitOptions): Promise<EndpointState> {
    return waitUntilSettled(() => this.describe(endpointName), options);
  }

  async delete(endpointName: string): Promise<void> {
    await this.removeLabelled(endpointName, () => true);
  }

  /** Lists by the endpoint's labels, never by name alone, so objects Modelport did not create are left alone. */
  private async removeLabelled(endpointName: string, shouldRemove: (object: KubernetesObject) => boolean) {
    const objects = await this.objects();
    for (const kind of MANAGED_KINDS) {
      const labelled = await objects.list(kind, endpointLabelSelector(endpointName));
      for (const object of labelled.filter(shouldRemove)) await removeObject(objects, kind, object);
    }
  }

  private async objects(): Promise<ClusterObjects> {
    this.connection ??= ClusterObjects.connect(this.config);
    return this.connection;
  }
}
