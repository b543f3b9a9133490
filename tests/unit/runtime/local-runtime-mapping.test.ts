import { describe, expect, it } from "vitest";
import {
  localModelPath,
  predictKeySha256,
  toEndpointState,
  toRuntimeEndpoint,
  toRuntimeVariant,
} from "@/server/integrations/local-runtime/endpoint-mapping";
import { localRuntimeConfigFromEnv } from "@/server/integrations/local-runtime";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";

const spec: VariantSpec = {
  variantName: "fraud-gbt-v3",
  modelName: "fraud-gbt",
  version: 3,
  format: "ONNX",
  artifactUri: "/srv/models/fraud.onnx",
  artifactSha256: "a".repeat(64),
  signature: {
    inputs: [{ name: "amount", type: "float32", shape: [-1, 1] }],
    outputs: [{ name: "probability", type: "float32" }],
  },
  weight: 10,
};

describe("LocalRuntimeTarget mapping", () => {
  it("maps a variant spec to the runtime's variant", () => {
    expect(toRuntimeVariant(spec)).toEqual({
      variantName: "fraud-gbt-v3",
      modelName: "fraud-gbt",
      modelVersion: 3,
      modelPath: "/srv/models/fraud.onnx",
      sha256: "a".repeat(64),
      signature: spec.signature,
      weight: 10,
      instanceType: "local-cpu",
      instanceCount: 1,
    });
    expect(toRuntimeVariant({ ...spec, instanceType: "ml.m5.large", instanceCount: 2 })).toMatchObject({
      instanceType: "ml.m5.large",
      instanceCount: 2,
    });
  });

  it("accepts local paths and file:// URIs only, and ONNX only", () => {
    expect(localModelPath("file:///srv/m.onnx")).toBe("/srv/m.onnx");
    expect(localModelPath("relative/m.onnx")).toBe(`${process.cwd()}/relative/m.onnx`);
    expect(() => localModelPath("s3://bucket/m.onnx")).toThrow(/local files/);
    expect(() => toRuntimeVariant({ ...spec, format: "VLLM" })).toThrow(/serves ONNX models/);
  });

  it("maps the runtime's answer to an EndpointState", () => {
    expect(toEndpointState("fraud", undefined)).toEqual({ endpointName: "fraud", status: "absent", variants: [] });
    const view = {
      endpointName: "fraud",
      status: "healthy" as const,
      batching: { maxBatchSize: 32, maxQueueDelayMs: 2 },
      variants: [{ variantName: "a", modelPath: "/m", sha256: "b".repeat(64), weight: 100, ready: true }],
    };
    expect(toEndpointState("fraud", view)).toEqual({
      endpointName: "fraud",
      status: "healthy",
      variants: [{ variantName: "a", weight: 100, ready: true, replicas: 1 }],
    });
    expect(toEndpointState("fraud", { ...view, status: "updating" }).status).toBe("updating");
    // Scaled to zero: healthy with no replica (its next request loads the model again); waking: the same.
    const unloaded = view.variants.map((v) => ({ ...v, ready: false }));
    for (const state of ["asleep", "waking"] as const)
      expect(toEndpointState("fraud", { ...view, variants: unloaded, sleep: { state, idleSeconds: 60 } })).toEqual({
        endpointName: "fraud",
        status: "healthy",
        variants: [{ variantName: "a", weight: 100, ready: false, replicas: 0 }],
      });
    expect(toEndpointState("fraud", { ...view, variants: unloaded }).status).toBe("creating");
  });

  it("reads its configuration from the runtime's own variables", () => {
    expect(localRuntimeConfigFromEnv({ RUNTIME_PORT: "9000", RUNTIME_CONTROL_TOKEN: "t" })).toEqual({
      baseUrl: "http://127.0.0.1:9000",
      controlToken: "t",
    });
    expect(localRuntimeConfigFromEnv({ RUNTIME_URL: "http://10.0.0.2:8500" }).baseUrl).toBe("http://10.0.0.2:8500");
  });

  it("gives the runtime only the predict key's sha256, and none without a key", () => {
    const endpoint = { endpointName: "fraud", variants: [spec] };
    expect(toRuntimeEndpoint(endpoint)).not.toHaveProperty("predictKeySha256");
    const key = "k".repeat(40);
    const keyed = toRuntimeEndpoint(endpoint, key);
    expect(keyed.predictKeySha256).toBe(predictKeySha256(key));
    expect(keyed.predictKeySha256).toMatch(/^[a-f0-9]{64}$/);
    expect(JSON.stringify(keyed)).not.toContain(key);
    expect(
      localRuntimeConfigFromEnv({ RUNTIME_PREDICT_KEY: key, RUNTIME_METRICS_TOKEN: "m".repeat(32) }),
    ).toMatchObject({ predictKey: key, metricsToken: "m".repeat(32) });
  });

  it("carries the endpoint's scale to zero, in seconds, and leaves it out when the endpoint is always on", () => {
    const base = { endpointName: "fraud-prod", variants: [spec] };
    expect(toRuntimeEndpoint({ ...base, scaleToZeroIdleSeconds: 900 }).scaleToZero).toEqual({ idleSeconds: 900 });
    expect(toRuntimeEndpoint({ ...base, scaleToZeroIdleSeconds: null })).not.toHaveProperty("scaleToZero");
    expect(toRuntimeEndpoint(base)).not.toHaveProperty("scaleToZero");
  });
});
