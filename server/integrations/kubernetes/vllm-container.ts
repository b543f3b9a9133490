import type { IContainer } from "kubernetes-models/v1";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import type { ModelVolume } from "@/server/integrations/kubernetes/model-volume";
import { containerResources, withGpus } from "@/server/integrations/kubernetes/resources";
import { containerSecurityContext } from "@/server/integrations/kubernetes/security";
import { SCRATCH_MOUNT, SHARED_MEMORY_MOUNT } from "@/server/integrations/kubernetes/scratch-volume";
import { vllmStartupSeconds, type VllmLaunch } from "@/server/integrations/kubernetes/vllm-profile";

/** The parts of a variant its vLLM launch depends on. */
export type VllmVariant = Pick<VariantSpec, "format" | "gpus" | "llm">;

export function vllmGpus(variant: Pick<VariantSpec, "gpus">, config: KubernetesTargetConfig): number {
  return variant.gpus ?? config.vllm.defaultGpus;
}

/** --tensor-parallel-size: as configured, else every GPU of the replica. */
export function vllmTensorParallelSize(variant: Pick<VariantSpec, "gpus">, config: KubernetesTargetConfig): number {
  return config.vllm.tensorParallelSize ?? vllmGpus(variant, config);
}

/** What the variant's pods will be started with, for the launch check (vllm-profile.ts). */
export function vllmLaunch(
  variant: Pick<VariantSpec, "gpus">,
  config: KubernetesTargetConfig,
  weightBytes: number,
): VllmLaunch {
  const vllm = config.vllm;
  return {
    tensorParallelSize: vllmTensorParallelSize(variant, config),
    gpuMemoryGiB: vllm.gpuMemoryGiB,
    gpuMemoryUtilization: vllm.gpuMemoryUtilization,
    maxModelLen: vllm.maxModelLen,
    maxNumSeqs: vllm.maxNumSeqs,
    maxNumBatchedTokens: vllm.maxNumBatchedTokens,
    chunkedPrefill: vllm.chunkedPrefill,
    weightBytes,
  };
}

/** How long the startup probe waits: the configured time, longer when the weights take longer to read. */
export function vllmStartupTimeoutSeconds(variant: Pick<VariantSpec, "llm">, config: KubernetesTargetConfig): number {
  const minimum = config.vllm.startupTimeoutSeconds;
  return variant.llm ? vllmStartupSeconds(variant.llm.weightBytes, minimum) : minimum;
}

/**
 * Arguments for vLLM's OpenAI-compatible server. The model is served under the endpoint's name so clients keep one
 * model id while traffic moves between variants. `--trust-remote-code` is never passed: registry artifacts must not
 * run arbitrary Python from the model directory.
 */
export function vllmArgs(
  endpointName: string,
  variant: VariantSpec,
  modelPath: string,
  config: KubernetesTargetConfig,
): string[] {
  const vllm = config.vllm;
  const tensorParallelSize = vllmTensorParallelSize(variant, config);
  return [
    "--model",
    modelPath,
    "--served-model-name",
    endpointName,
    "--host",
    "0.0.0.0",
    "--port",
    String(vllm.port),
    "--gpu-memory-utilization",
    String(vllm.gpuMemoryUtilization),
    ...(vllm.maxModelLen === undefined ? [] : ["--max-model-len", String(vllm.maxModelLen)]),
    ...(tensorParallelSize > 1 ? ["--tensor-parallel-size", String(tensorParallelSize)] : []),
    "--max-num-seqs",
    String(vllm.maxNumSeqs),
    ...(vllm.maxNumBatchedTokens === undefined ? [] : ["--max-num-batched-tokens", String(vllm.maxNumBatchedTokens)]),
    vllm.chunkedPrefill ? "--enable-chunked-prefill" : "--no-enable-chunked-prefill",
  ];
}

export function vllmContainer(
  endpointName: string,
  variant: VariantSpec,
  volume: ModelVolume,
  config: KubernetesTargetConfig,
): IContainer {
  const vllm = config.vllm;
  const healthCheck = { httpGet: { path: "/health", port: "http" }, timeoutSeconds: 5 };
  return {
    name: "model-server",
    image: vllm.image,
    args: vllmArgs(endpointName, variant, volume.modelPath, config),
    ports: [{ name: "http", containerPort: vllm.port, protocol: "TCP" }],
    env: [
      // The image's caches live under HOME; point them at the writable scratch volume and never reach a model hub.
      { name: "HOME", value: "/tmp" },
      { name: "XDG_CACHE_HOME", value: "/tmp/.cache" },
      { name: "HF_HUB_OFFLINE", value: "1" },
      { name: "VLLM_NO_USAGE_STATS", value: "1" },
      { name: "DO_NOT_TRACK", value: "1" },
    ],
    resources: withGpus(containerResources(variant, vllm.resources, config), vllmGpus(variant, config)),
    startupProbe: {
      ...healthCheck,
      periodSeconds: 10,
      failureThreshold: Math.ceil(vllmStartupTimeoutSeconds(variant, config) / 10),
    },
    readinessProbe: { ...healthCheck, periodSeconds: 5, failureThreshold: 3 },
    livenessProbe: { ...healthCheck, periodSeconds: 15, failureThreshold: 4 },
    volumeMounts: [volume.mount, SCRATCH_MOUNT, SHARED_MEMORY_MOUNT],
    securityContext: containerSecurityContext(config.runAsUser),
  };
}
