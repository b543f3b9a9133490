import { describe, expect, it } from "vitest";
import { endpointObjectName, kubernetesName, variantObjectName } from "@/server/integrations/kubernetes/object-names";

const RFC1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function expectValid(name: string) {
  expect(name.length, name).toBeLessThanOrEqual(63);
  expect(name).toMatch(RFC1035_LABEL);
}

describe("Kubernetes object names", () => {
  it("joins clean names readably, endpoint first", () => {
    expect(variantObjectName("fraud-staging", "fraud-v7")).toBe("fraud-staging--fraud-v7");
    expect(endpointObjectName("fraud-staging")).toBe("fraud-staging");
  });

  it("gives the staging and production endpoints of one version different names", () => {
    const staging = variantObjectName("fraud-detector-staging-kubernetes", "fraud-detector-v7");
    const production = variantObjectName("fraud-detector-production-kubernetes", "fraud-detector-v7");
    expect(staging).not.toBe(production);
    expectValid(staging);
    expectValid(production);
  });

  it("is the same every time for the same names", () => {
    const long = "restaurant-recommendation-two-tower-retrieval-production-kubernetes";
    expect(variantObjectName(long, "restaurant-recommendation-two-tower-retrieval-v12")).toBe(
      variantObjectName(long, "restaurant-recommendation-two-tower-retrieval-v12"),
    );
    expect(kubernetesName("Fraud_Detector")).toBe(kubernetesName("Fraud_Detector"));
  });

  it("shortens long names to 63 characters with a hashed suffix, keeping near-identical ones apart", () => {
    const endpoint = `${"very-long-model-name-".repeat(4)}production-kubernetes`;
    const v1 = variantObjectName(endpoint, `${"very-long-model-name-".repeat(4)}v1`);
    const v2 = variantObjectName(endpoint, `${"very-long-model-name-".repeat(4)}v2`);
    expect(v1).toMatch(/^very-long-model-name-.*-[0-9a-f]{8}$/);
    expect(v1).toHaveLength(63);
    expect(v1).not.toBe(v2);
    expectValid(v1);
    expectValid(v2);
    expect(endpointObjectName(endpoint)).toMatch(/-[0-9a-f]{8}$/);
    expectValid(endpointObjectName(endpoint));
  });

  it("hashes the suffix from `<endpoint>/<variant>`", async () => {
    const { createHash } = await import("node:crypto");
    const expected = createHash("sha256").update("Fraud_Detector-staging/fraud-v7").digest("hex").slice(0, 8);
    expect(variantObjectName("Fraud_Detector-staging", "fraud-v7")).toBe(`fraud-detector-staging-fraud-v7-${expected}`);
  });

  it.each([
    ["upper case and underscores", "Fraud_Detector.v2-production-kubernetes"],
    ["a leading digit", "2024-fraud-production"],
    ["doubled dashes", "fraud--detector"],
    ["a trailing dash", "fraud-"],
    ["nothing usable", "___"],
  ])("makes a valid hashed name from %s", (_case, name) => {
    for (const made of [endpointObjectName(name), variantObjectName(name, "fraud-v7")]) {
      expectValid(made);
      expect(made).toMatch(/-[0-9a-f]{8}$/);
      expect(made).not.toContain("--");
    }
  });

  it("hashes a single name that ends the way hashed names do", () => {
    expect(endpointObjectName("fraud-deadbeef")).toMatch(/^fraud-deadbeef-[0-9a-f]{8}$/);
    expect(variantObjectName("fraud-deadbeef", "fraud-v7")).toBe("fraud-deadbeef--fraud-v7");
  });

  it("keeps names apart that would join to the same text", () => {
    // "a-b" + "c" and "a" + "b-c" both read "a-b-c" when joined with a single dash.
    expect(variantObjectName("a-b", "c")).not.toBe(variantObjectName("a", "b-c"));
    // Names differing only in characters the cleaning drops or folds.
    expect(endpointObjectName("Fraud")).not.toBe(endpointObjectName("fraud"));
    expect(variantObjectName("fraud.x", "v1")).not.toBe(variantObjectName("fraud_x", "v1"));
    expect(variantObjectName("fraud--x", "v1")).not.toBe(variantObjectName("fraud-x", "v1"));
  });

  it("never gives a hashed name that a readable name could also be", () => {
    const hashed = variantObjectName("Fraud", "v1");
    const [stem, hash] = [hashed.slice(0, -9), hashed.slice(-8)];
    // A readable single name of the same text is refused the readable form because it ends like a hashed one.
    expect(endpointObjectName(hashed)).not.toBe(hashed);
    // Nor does a pair of names that split it.
    expect(variantObjectName(stem, hash)).not.toBe(hashed);
  });
});
