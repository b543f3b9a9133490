import { describe, expect, it } from "vitest";
import { differsOnlyInWeights, isSameEndpointConfig } from "@/server/integrations/sagemaker/endpoint-config";
import { toEndpointState } from "@/server/integrations/sagemaker/endpoint-state";
import { contentHash, endpointConfigResourceName } from "@/server/integrations/sagemaker/names";
import { desiredFor, liveEndpoint, spec, variant } from "@/tests/unit/sagemaker/helpers";

const champion = variant(1, 100);
const shadow = variant(2, 0, { shadow: true, instanceType: "ml.c5.xlarge", instanceCount: 1 });

describe("SageMaker endpoint configs with a shadow variant", () => {
  it("puts the shadow in ShadowProductionVariants at the production variant's weight, so every request is mirrored", () => {
    const desired = desiredFor(spec(champion, shadow));
    expect(desired.configInput.ProductionVariants).toEqual([
      {
        VariantName: "fraud-xgb-v1",
        ModelName: desired.models[0]?.ModelName,
        InstanceType: "ml.m5.large",
        InitialInstanceCount: 2,
        InitialVariantWeight: 100,
      },
    ]);
    expect(desired.configInput.ShadowProductionVariants).toEqual([
      {
        VariantName: "fraud-xgb-v2",
        ModelName: desired.models[1]?.ModelName,
        InstanceType: "ml.c5.xlarge",
        InitialInstanceCount: 1,
        InitialVariantWeight: 100,
      },
    ]);
    expect(desired.models[1]?.ModelName).not.toBe(desired.models[0]?.ModelName);
  });

  it("names a config without a shadow as before shadows existed, so live endpoints keep their config", () => {
    const desired = desiredFor(spec(variant(1, 90), variant(2, 10)));
    expect(desired.configName).toBe(endpointConfigResourceName("fraud-detector", contentHash(desired.variants)));
    expect(desired.configInput).not.toHaveProperty("ShadowProductionVariants");
  });

  it("gives a config with a shadow its own name, and the same spec the same name", () => {
    const names = [spec(champion), spec(champion, shadow), spec(champion, { ...shadow, instanceCount: 2 })].map(
      (endpoint) => desiredFor(endpoint).configName,
    );
    expect(new Set(names).size).toBe(3);
    expect(desiredFor({ ...spec(champion, shadow), routing: { salt: "s" } }).configName).toBe(names[1]);
  });

  it("never treats adding, removing or resizing a shadow as a weight-only change", () => {
    const withShadow = desiredFor(spec(champion, shadow));
    const without = desiredFor(spec(champion));
    expect(differsOnlyInWeights(withShadow, without.configInput)).toBe(false);
    expect(differsOnlyInWeights(without, withShadow.configInput)).toBe(false);
    const resized = desiredFor(spec(champion, { ...shadow, instanceCount: 3 }));
    expect(differsOnlyInWeights(resized, withShadow.configInput)).toBe(false);
    expect(differsOnlyInWeights(withShadow, withShadow.configInput)).toBe(true);
  });

  it("recognises an existing config as its own only when its shadow matches too", () => {
    const withShadow = desiredFor(spec(champion, shadow));
    const existing = { $metadata: {}, EndpointConfigArn: "arn", CreationTime: new Date(0), ...withShadow.configInput };
    expect(isSameEndpointConfig(withShadow, existing)).toBe(true);
    expect(isSameEndpointConfig(withShadow, { ...existing, ShadowProductionVariants: [] })).toBe(false);
  });
});

describe("describe with a shadow variant", () => {
  it("reports the shadow with shadow: true and 0% of live traffic, whatever weight SageMaker mirrors it", () => {
    const live = liveEndpoint({
      ProductionVariants: [{ VariantName: "fraud-xgb-v1", CurrentWeight: 100, CurrentInstanceCount: 2 }],
      ShadowProductionVariants: [{ VariantName: "fraud-xgb-v2", CurrentWeight: 100, CurrentInstanceCount: 1 }],
    });
    expect(toEndpointState("fraud-detector", live).variants).toEqual([
      { variantName: "fraud-xgb-v1", weight: 100, ready: true, replicas: 2 },
      { variantName: "fraud-xgb-v2", weight: 0, ready: true, replicas: 1, shadow: true },
    ]);
  });

  it("reports a shadow without instances as not ready", () => {
    const live = liveEndpoint({
      ShadowProductionVariants: [{ VariantName: "fraud-xgb-v2", CurrentWeight: 100, CurrentInstanceCount: 0 }],
    });
    expect(toEndpointState("fraud-detector", live).variants.at(-1)).toMatchObject({ shadow: true, ready: false });
  });
});
