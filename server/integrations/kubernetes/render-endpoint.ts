import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IHTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1";
import type { IService } from "kubernetes-models/v1";
import type { EndpointSpec } from "@/server/integrations/targets/deployment-target";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { renderAutoscaler } from "@/server/integrations/kubernetes/render-autoscaler";
import { renderDeployment } from "@/server/integrations/kubernetes/render-deployment";
import { renderHttpRoute } from "@/server/integrations/kubernetes/render-http-route";
import { renderService } from "@/server/integrations/kubernetes/render-service";
import { checkEndpointSpec, liveWeights } from "@/server/integrations/kubernetes/validate-spec";

export type RenderedObject = IDeployment | IService | IHorizontalPodAutoscaler | IHTTPRoute;

export type RenderedEndpoint = {
  /** Per variant, in apply order: the workload before the Service and autoscaler that point at it. */
  workloads: Array<IDeployment | IService | IHorizontalPodAutoscaler>;
  route: IHTTPRoute;
};

/**
 * Every object an endpoint needs; a shadow gets its Deployment and Service like any variant, and is mirrored to rather
 * than weighted on the route. Throws a BAD_REQUEST AppError, before any request, for a spec it cannot serve.
 */
export function renderEndpoint(spec: EndpointSpec, config: KubernetesTargetConfig): RenderedEndpoint {
  checkEndpointSpec(spec, config);
  const workloads = spec.variants.flatMap((variant) => {
    const autoscaler = renderAutoscaler(spec.endpointName, variant, config);
    return [
      renderDeployment(spec.endpointName, variant, config),
      renderService(spec.endpointName, variant, config),
      ...(autoscaler ? [autoscaler] : []),
    ];
  });
  const shadows = spec.variants.filter((variant) => variant.shadow).map((variant) => variant.variantName);
  return { workloads, route: renderHttpRoute(spec.endpointName, liveWeights(spec), config, shadows) };
}
