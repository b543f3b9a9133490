import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { variantAnnotations, variantLabels } from "@/server/integrations/kubernetes/labels";
import { variantObjectName } from "@/server/integrations/kubernetes/object-names";
import { hasAutoscaler, replicaCount, runtimeFlavour } from "@/server/integrations/kubernetes/render-deployment";

/** CPU-based scaling for ONNX variants; vLLM replicas are GPU-bound and keep the fixed count. */
export function renderAutoscaler(
  endpointName: string,
  variant: VariantSpec,
  config: KubernetesTargetConfig,
): IHorizontalPodAutoscaler | undefined {
  const autoscaling = config.onnx.autoscaling;
  if (!hasAutoscaler(variant, config) || !autoscaling) return undefined;
  const minReplicas = replicaCount(variant);
  const name = variantObjectName(endpointName, variant.variantName);
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: {
      name,
      namespace: config.namespace,
      labels: variantLabels(endpointName, variant.variantName, runtimeFlavour(variant)),
      annotations: variantAnnotations(endpointName, variant.variantName),
    },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      minReplicas,
      maxReplicas: Math.max(minReplicas, autoscaling.maxReplicas),
      metrics: [
        {
          type: "Resource",
          resource: {
            name: "cpu",
            target: { type: "Utilization", averageUtilization: autoscaling.targetCpuUtilizationPercent },
          },
        },
      ],
    },
  };
}
