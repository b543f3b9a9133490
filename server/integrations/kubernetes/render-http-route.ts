import type { IHTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { endpointLabels } from "@/server/integrations/kubernetes/labels";
import { SERVICE_PORT } from "@/server/integrations/kubernetes/render-service";

/** The path prefix clients call; the gateway strips it so each runtime sees its own paths. */
export function endpointPathPrefix(endpointName: string, config: KubernetesTargetConfig): string {
  return `${config.gateway.pathPrefix.replace(/\/+$/, "")}/${endpointName}`;
}

/** One route per endpoint; each variant's Service is a backend whose weight is the variant's share of traffic. */
export function renderHttpRoute(
  endpointName: string,
  weights: Record<string, number>,
  config: KubernetesTargetConfig,
): IHTTPRoute {
  const gateway = config.gateway;
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: endpointName, namespace: config.namespace, labels: endpointLabels(endpointName) },
    spec: {
      parentRefs: [
        {
          group: "gateway.networking.k8s.io",
          kind: "Gateway",
          name: gateway.name,
          ...(gateway.namespace ? { namespace: gateway.namespace } : {}),
          ...(gateway.sectionName ? { sectionName: gateway.sectionName } : {}),
        },
      ],
      ...(gateway.hostnames.length > 0 ? { hostnames: gateway.hostnames } : {}),
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: endpointPathPrefix(endpointName, config) } }],
          filters: [
            { type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } },
          ],
          backendRefs: Object.entries(weights)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([variantName, weight]) => ({ kind: "Service", name: variantName, port: SERVICE_PORT, weight })),
        },
      ],
    },
  };
}
