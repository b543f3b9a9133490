import { describe, expect, it } from "vitest";
import { upsertPriceInput } from "@/contracts/pricing";
import { KubernetesTarget } from "@/server/integrations/kubernetes/kubernetes-target";
import { LocalRuntimeTarget } from "@/server/integrations/local-runtime";
import { SageMakerTarget } from "@/server/integrations/sagemaker/sagemaker-target";
import type { DeploymentTarget, VariantSpec } from "@/server/integrations/targets/deployment-target";
import { DEFAULT_PRICES } from "@/server/services/cost/default-prices";
import { config as kubernetesConfig, onnxVariant } from "@/tests/unit/kubernetes/samples";
import { testConfig } from "@/tests/unit/sagemaker/helpers";

const FORMATS: VariantSpec["format"][] = ["ONNX", "VLLM", "CONTAINER"];

/** Each target as an installation gets it: no sizing configured beyond what the target requires. */
function defaultTargets(): DeploymentTarget[] {
  const { defaultInstanceType: _configured, ...sagemaker } = testConfig();
  return [
    new LocalRuntimeTarget({ baseUrl: "http://127.0.0.1:8500", controlToken: "x".repeat(16) }),
    new SageMakerTarget(sagemaker),
    new KubernetesTarget(kubernetesConfig()),
  ];
}

describe("default prices", () => {
  it("price every instance type a target runs an unsized variant on", () => {
    const priced = new Map(DEFAULT_PRICES.map((p) => [p.name, p]));
    const defaults = defaultTargets().flatMap((target) =>
      FORMATS.map((format) => ({ target: target.kind, ...target.sizing(onnxVariant({ format })) })),
    );
    expect(new Set(defaults.map((d) => d.instanceType))).toEqual(
      new Set(["local-cpu", "ml.m5.large", "k8s-onnx", "k8s-vllm"]),
    );
    for (const d of defaults) {
      const price = priced.get(d.instanceType);
      expect(price, `${d.target} ${d.instanceType}`).toBeDefined();
      expect(price?.target).toBe(d.target.toUpperCase());
      expect(price?.hourlyUsd).toBeGreaterThan(0);
    }
  });

  it("are valid prices with a source, one per name", () => {
    for (const price of DEFAULT_PRICES) {
      expect(upsertPriceInput.parse(price)).toEqual(price);
      expect(price.source.length).toBeGreaterThan(20);
    }
    expect(new Set(DEFAULT_PRICES.map((p) => p.name)).size).toBe(DEFAULT_PRICES.length);
  });
});
