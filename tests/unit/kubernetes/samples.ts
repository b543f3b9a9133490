import { parseKubernetesTargetConfig, type KubernetesTargetConfigInput } from "@/server/integrations/kubernetes/config";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";

export const SHA = "a".repeat(64);

export const baseConfigInput: KubernetesTargetConfigInput = {
  connection: { kind: "token", server: "https://kubernetes.example.test", token: "test-token" },
  namespace: "ml-serving",
  gateway: { name: "inference", namespace: "gateways" },
  modelVolume: { kind: "pvc", claimName: "model-store" },
  onnx: { image: "registry.example.test/modelport/onnx-runtime:1.4.2" },
  vllm: { image: "registry.example.test/vllm/vllm-openai:v0.11.0" },
};

export function config(overrides: Partial<KubernetesTargetConfigInput> = {}) {
  return parseKubernetesTargetConfig({ ...baseConfigInput, ...overrides });
}

export function onnxVariant(overrides: Partial<VariantSpec> = {}): VariantSpec {
  return {
    variantName: "fraud-v7",
    modelName: "fraud-detector",
    version: 7,
    format: "ONNX",
    artifactUri: "fraud-detector/7/model.onnx",
    artifactSha256: SHA,
    signature: {
      inputs: [{ name: "amount", type: "float32", shape: [-1, 1] }],
      outputs: [{ name: "score", type: "float32", shape: [-1, 1] }],
    },
    weight: 100,
    ...overrides,
  };
}

export function vllmVariant(overrides: Partial<VariantSpec> = {}): VariantSpec {
  return onnxVariant({
    variantName: "support-llm-v3",
    modelName: "support-llm",
    version: 3,
    format: "VLLM",
    artifactUri: "support-llm/3",
    gpus: 2,
    ...overrides,
  });
}
