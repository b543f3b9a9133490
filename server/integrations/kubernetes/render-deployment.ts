import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IContainer, IPodSpec, IVolume } from "kubernetes-models/v1";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import {
  ANNOTATION,
  variantAnnotations,
  variantLabels,
  variantSelector,
  type RuntimeFlavour,
} from "@/server/integrations/kubernetes/labels";
import { modelVolume, type ModelVolume } from "@/server/integrations/kubernetes/model-volume";
import { variantObjectName } from "@/server/integrations/kubernetes/object-names";
import { onnxContainer } from "@/server/integrations/kubernetes/onnx-container";
import { GPU_RESOURCE, instanceTypeOf } from "@/server/integrations/kubernetes/resources";
import { scratchVolume, sharedMemoryVolume } from "@/server/integrations/kubernetes/scratch-volume";
import { podSecurityContext } from "@/server/integrations/kubernetes/security";
import { vllmContainer, vllmStartupTimeoutSeconds } from "@/server/integrations/kubernetes/vllm-container";

export function runtimeFlavour(variant: VariantSpec): RuntimeFlavour {
  return variant.format === "VLLM" ? "vllm" : "onnx-runtime";
}

type FlavourPod = {
  container: IContainer;
  volumes: IVolume[];
  terminationGracePeriodSeconds: number;
  progressDeadlineSeconds: number;
  scheduling: Pick<IPodSpec, "nodeSelector" | "tolerations">;
};

function flavourPod(
  endpointName: string,
  variant: VariantSpec,
  volume: ModelVolume,
  config: KubernetesTargetConfig,
): FlavourPod {
  if (runtimeFlavour(variant) === "onnx-runtime") {
    return {
      container: onnxContainer(endpointName, variant, volume, config),
      volumes: [scratchVolume("1Gi")],
      terminationGracePeriodSeconds: config.onnx.terminationGracePeriodSeconds,
      progressDeadlineSeconds: config.onnx.progressDeadlineSeconds,
      scheduling: {},
    };
  }
  const vllm = config.vllm;
  return {
    container: vllmContainer(endpointName, variant, volume, config),
    volumes: [scratchVolume("20Gi"), sharedMemoryVolume(vllm.shmSize)],
    terminationGracePeriodSeconds: vllm.terminationGracePeriodSeconds,
    // A rollout that is still reading weights has not stalled: the deadline outlasts the startup probe.
    progressDeadlineSeconds: Math.max(vllm.progressDeadlineSeconds, vllmStartupTimeoutSeconds(variant, config) + 300),
    scheduling: {
      ...(Object.keys(vllm.nodeSelector).length > 0 ? { nodeSelector: vllm.nodeSelector } : {}),
      ...(vllm.tolerateGpuTaint
        ? { tolerations: [{ key: GPU_RESOURCE, operator: "Exists", effect: "NoSchedule" }] }
        : {}),
    },
  };
}

/** With an autoscaler the replica count is the autoscaler's field; applying it here would fight the autoscaler. */
export function hasAutoscaler(variant: VariantSpec, config: KubernetesTargetConfig): boolean {
  return runtimeFlavour(variant) === "onnx-runtime" && config.onnx.autoscaling !== undefined;
}

export function replicaCount(variant: VariantSpec): number {
  return variant.instanceCount ?? 1;
}

export function renderDeployment(
  endpointName: string,
  variant: VariantSpec,
  config: KubernetesTargetConfig,
): IDeployment {
  const labels = variantLabels(endpointName, variant.variantName, runtimeFlavour(variant));
  const volume = modelVolume(variant, config);
  const pod = flavourPod(endpointName, variant, volume, config);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: variantObjectName(endpointName, variant.variantName),
      namespace: config.namespace,
      labels,
      annotations: {
        ...variantAnnotations(endpointName, variant.variantName),
        [ANNOTATION.instanceType]: instanceTypeOf(variant),
      },
    },
    spec: {
      ...(hasAutoscaler(variant, config) ? {} : { replicas: replicaCount(variant) }),
      selector: { matchLabels: variantSelector(endpointName, variant.variantName) },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      progressDeadlineSeconds: pod.progressDeadlineSeconds,
      revisionHistoryLimit: 3,
      template: {
        metadata: {
          labels,
          annotations: {
            "modelport.dev/model": variant.modelName,
            "modelport.dev/model-version": String(variant.version),
            // A new artifact under the same variant name must still roll the pods.
            "modelport.dev/artifact-sha256": variant.artifactSha256,
            // The portal's Prometheus keeps annotated pods; guardrails and cost read their series.
            "prometheus.io/scrape": "true",
            "prometheus.io/path": "/metrics",
          },
        },
        spec: {
          hostNetwork: false,
          hostPID: false,
          hostIPC: false,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext(config.runAsUser),
          terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
          initContainers: volume.initContainers,
          containers: [pod.container],
          volumes: [...volume.volumes, ...pod.volumes],
          ...pod.scheduling,
        },
      },
    },
  };
}
