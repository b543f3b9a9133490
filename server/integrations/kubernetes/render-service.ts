import type { IService } from "kubernetes-models/v1";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { variantAnnotations, variantLabels, variantSelector } from "@/server/integrations/kubernetes/labels";
import { variantObjectName } from "@/server/integrations/kubernetes/object-names";
import { runtimeFlavour } from "@/server/integrations/kubernetes/render-deployment";

export const SERVICE_PORT = 80;

export function renderService(endpointName: string, variant: VariantSpec, config: KubernetesTargetConfig): IService {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: variantObjectName(endpointName, variant.variantName),
      namespace: config.namespace,
      labels: variantLabels(endpointName, variant.variantName, runtimeFlavour(variant)),
      annotations: variantAnnotations(endpointName, variant.variantName),
    },
    spec: {
      type: "ClusterIP",
      selector: variantSelector(endpointName, variant.variantName),
      ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
    },
  };
}
