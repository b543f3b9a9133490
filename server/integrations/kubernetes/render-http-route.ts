import type { IHTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { ANNOTATION, endpointLabels } from "@/server/integrations/kubernetes/labels";
import { endpointObjectName, variantObjectName } from "@/server/integrations/kubernetes/object-names";
import { SERVICE_PORT } from "@/server/integrations/kubernetes/render-service";

/** The path prefix clients call; the gateway strips it so each runtime sees its own paths. */
export function endpointPathPrefix(endpointName: string, config: KubernetesTargetConfig): string {
  return `${config.gateway.pathPrefix.replace(/\/+$/, "")}/${endpointName}`;
}

/** The Gateway the route attaches to; route status is read for this parent only. */
export function gatewayParentRef(config: KubernetesTargetConfig) {
  const gateway = config.gateway;
  return {
    group: "gateway.networking.k8s.io",
    kind: "Gateway",
    name: gateway.name,
    ...(gateway.namespace ? { namespace: gateway.namespace } : {}),
    ...(gateway.sectionName ? { sectionName: gateway.sectionName } : {}),
  };
}

/**
 * One route per endpoint; each live variant's Service is a backend whose weight is the variant's share of traffic.
 * Gateway API splits by weight per request, so a caller is not kept on one variant (EndpointSpec.routing's salt has
 * nothing to act on here). Each shadow's Service is the backend of a RequestMirror filter on the same rule: the gateway
 * sends it a copy of every request and drops its answer; it is not among the weighted backends.
 */
export function renderHttpRoute(
  endpointName: string,
  weights: Record<string, number>,
  config: KubernetesTargetConfig,
  shadows: readonly string[] = [],
): IHTTPRoute {
  const backends = Object.entries(weights)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([variantName, weight]) => ({ variantName, service: variantObjectName(endpointName, variantName), weight }));
  const mirrors = [...shadows]
    .sort((a, b) => a.localeCompare(b))
    .map((variantName) => ({ variantName, service: variantObjectName(endpointName, variantName) }));
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: {
      name: endpointObjectName(endpointName),
      namespace: config.namespace,
      labels: endpointLabels(endpointName),
      annotations: {
        [ANNOTATION.endpoint]: endpointName,
        [ANNOTATION.backends]: JSON.stringify(
          Object.fromEntries([...backends, ...mirrors].map((backend) => [backend.service, backend.variantName])),
        ),
      },
    },
    spec: {
      parentRefs: [gatewayParentRef(config)],
      ...(config.gateway.hostnames.length > 0 ? { hostnames: config.gateway.hostnames } : {}),
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: endpointPathPrefix(endpointName, config) } }],
          filters: [
            { type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } },
            ...mirrors.map(({ service }) => ({
              type: "RequestMirror" as const,
              requestMirror: { backendRef: { kind: "Service", name: service, port: SERVICE_PORT } },
            })),
          ],
          backendRefs: backends.map(({ service, weight }) => ({
            kind: "Service",
            name: service,
            port: SERVICE_PORT,
            weight,
          })),
        },
      ],
    },
  };
}
