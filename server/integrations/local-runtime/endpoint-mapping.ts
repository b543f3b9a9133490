import { createHash } from "node:crypto";
import type { OnlineFeatures } from "@/contracts/online-features";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type EndpointView, type RoutingConfig, type VariantConfig } from "@/contracts/runtime-control";
import type { EndpointSpec, EndpointState, VariantSpec } from "@/server/integrations/targets/deployment-target";
import { LocalRuntimeError } from "@/server/integrations/local-runtime/runtime-control-client";

/** The runtime reads the model from disk itself, so the artifact URI must be a local path (or a file:// URI). */
export function localModelPath(artifactUri: string): string {
  if (artifactUri.startsWith("file://")) return fileURLToPath(artifactUri);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(artifactUri)) {
    throw new LocalRuntimeError(
      `The local runtime reads models from local files; ${artifactUri} is not one`,
      undefined,
      false,
    );
  }
  return path.resolve(artifactUri);
}

export function toRuntimeVariant(variant: VariantSpec): VariantConfig {
  if (variant.format !== "ONNX") {
    throw new LocalRuntimeError(
      `The local runtime serves ONNX models; ${variant.modelName} v${variant.version} is ${variant.format}`,
      undefined,
      false,
    );
  }
  return {
    variantName: variant.variantName,
    modelName: variant.modelName,
    modelVersion: variant.version,
    modelPath: localModelPath(variant.artifactUri),
    sha256: variant.artifactSha256,
    signature: variant.signature,
    weight: variant.weight,
    ...(variant.shadow && { shadow: true }),
    instanceType: variant.instanceType ?? "local-cpu",
    instanceCount: variant.instanceCount ?? 1,
    ...(variant.featureBins ? { featureBins: variant.featureBins } : {}),
  };
}

/** The sha256 (hex) of a predict key: all the runtime is told. */
export const predictKeySha256 = (key: string) => createHash("sha256").update(key).digest("hex");

export function toRuntimeEndpoint(
  spec: EndpointSpec,
  predictKey?: string,
): {
  variants: VariantConfig[];
  predictKeySha256?: string;
  capture: { rate: number };
  routing?: RoutingConfig;
  scaleToZero?: { idleSeconds: number };
  onlineFeatures?: OnlineFeatures;
} {
  return {
    variants: spec.variants.map(toRuntimeVariant),
    capture: { rate: spec.captureRate ?? 1 },
    ...(spec.scaleToZeroIdleSeconds && { scaleToZero: { idleSeconds: spec.scaleToZeroIdleSeconds } }),
    ...(spec.onlineFeatures && { onlineFeatures: spec.onlineFeatures }),
    ...(spec.routing && { routing: spec.routing }),
    ...(predictKey && { predictKeySha256: predictKeySha256(predictKey) }),
  };
}

export function toEndpointState(endpointName: string, view: EndpointView | undefined): EndpointState {
  if (!view) return { endpointName, status: "absent", variants: [] };
  // Scaled to zero, an endpoint is healthy with no replica: its next request loads its models again.
  const asleep = view.sleep !== undefined && view.sleep.state !== "awake";
  const allReady = asleep || view.variants.every((v) => v.ready);
  return {
    endpointName,
    status: view.status === "updating" ? "updating" : allReady ? "healthy" : "creating",
    variants: view.variants.map((v) => ({
      variantName: v.variantName,
      weight: v.weight,
      ready: v.ready,
      ...(v.shadow && { shadow: true }),
      replicas: v.ready ? 1 : 0,
    })),
  };
}
