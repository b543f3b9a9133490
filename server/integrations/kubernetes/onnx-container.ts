import type { IContainer } from "kubernetes-models/v1";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import type { ModelVolume } from "@/server/integrations/kubernetes/model-volume";
import { containerResources } from "@/server/integrations/kubernetes/resources";
import { containerSecurityContext } from "@/server/integrations/kubernetes/security";
import { SCRATCH_MOUNT } from "@/server/integrations/kubernetes/scratch-volume";

/** The Modelport ONNX runtime image: it reads its model and signature from the environment. */
export function onnxContainer(
  endpointName: string,
  variant: VariantSpec,
  volume: ModelVolume,
  config: KubernetesTargetConfig,
): IContainer {
  const onnx = config.onnx;
  return {
    name: "model-server",
    image: onnx.image,
    ports: [{ name: "http", containerPort: onnx.port, protocol: "TCP" }],
    env: [
      { name: "PORT", value: String(onnx.port) },
      { name: "MODELPORT_ENDPOINT", value: endpointName },
      { name: "MODELPORT_VARIANT", value: variant.variantName },
      { name: "MODELPORT_MODEL_NAME", value: variant.modelName },
      { name: "MODELPORT_MODEL_VERSION", value: String(variant.version) },
      { name: "MODELPORT_MODEL_PATH", value: volume.modelPath },
      { name: "MODELPORT_MODEL_SHA256", value: variant.artifactSha256 },
      { name: "MODELPORT_SIGNATURE", value: JSON.stringify(variant.signature) },
    ],
    resources: containerResources(variant, onnx.resources, config),
    readinessProbe: {
      httpGet: { path: onnx.readinessPath, port: "http" },
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    livenessProbe: {
      httpGet: { path: onnx.livenessPath, port: "http" },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    volumeMounts: [volume.mount, SCRATCH_MOUNT],
    securityContext: containerSecurityContext(config.runAsUser),
  };
}
