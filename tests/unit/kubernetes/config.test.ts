import { describe, expect, it } from "vitest";
import { kubernetesTargetConfigFromEnv } from "@/server/integrations/kubernetes/config";
import { baseConfigInput, config } from "@/tests/unit/kubernetes/samples";

describe("Kubernetes target configuration", () => {
  it("fills defaults for ports, probes, GPU memory and security", () => {
    const parsed = config();
    expect(parsed.vllm).toMatchObject({ port: 8000, gpuMemoryUtilization: 0.9, defaultGpus: 1 });
    expect(parsed.onnx).toMatchObject({ port: 8080, readinessPath: "/readyz", livenessPath: "/healthz" });
    expect(parsed.runAsUser).toBe(10001);
    expect(parsed.gateway.pathPrefix).toBe("/endpoints");
  });

  it.each([0.85, 0.9, 0.95])("accepts a GPU memory utilization of %s", (value) => {
    expect(
      config({ vllm: { image: "r.example.test/vllm:v1", gpuMemoryUtilization: value } }).vllm.gpuMemoryUtilization,
    ).toBe(value);
  });

  it.each([0.5, 0.84, 0.96, 1])("rejects a GPU memory utilization of %s", (value) => {
    expect(() => config({ vllm: { image: "r.example.test/vllm:v1", gpuMemoryUtilization: value } })).toThrow(
      /vllm\.gpuMemoryUtilization/,
    );
  });

  it.each(["vllm/vllm-openai", "vllm/vllm-openai:latest", "registry.example.test:5000/vllm"])(
    "rejects the unpinned image %s",
    (image) => {
      expect(() => config({ vllm: { image } })).toThrow(/vllm\.image/);
    },
  );

  it.each(["registry.example.test:5000/vllm:v0.11.0", `vllm/vllm-openai@sha256:${"b".repeat(64)}`])(
    "accepts the pinned image %s",
    (image) => {
      expect(config({ vllm: { image } }).vllm.image).toBe(image);
    },
  );

  it("reads JSON from the environment and names what is wrong", () => {
    expect(kubernetesTargetConfigFromEnv({ MODELPORT_K8S_CONFIG: JSON.stringify(baseConfigInput) }).namespace).toBe(
      "ml-serving",
    );
    expect(() => kubernetesTargetConfigFromEnv({})).toThrow(/MODELPORT_K8S_CONFIG/);
    expect(() =>
      kubernetesTargetConfigFromEnv({ MODELPORT_K8S_CONFIG: JSON.stringify({ ...baseConfigInput, namespace: "ML" }) }),
    ).toThrow(/namespace/);
  });
});
