import { describe, expect, it } from "vitest";
import { binLabels } from "@/server/services/drift/bin-labels";
import {
  binCountsByFeature,
  durationSeconds,
  featureHistogramQuery,
  singleFeatureQuery,
} from "@/server/services/drift/query";

const sample = (feature: string, le: string, value: number) => ({ metric: { feature, le }, value, timestamp: 0 });

describe("drift PromQL", () => {
  it("asks for every feature's bucket increase of one variant in one query, labels escaped", () => {
    expect(featureHistogramQuery("fraud-prod", "blue", 3600)).toBe(
      'sum by (feature, le) (increase(modelport_runtime_feature_value_bucket{endpoint="fraud-prod",variant="blue"}[3600s]))',
    );
    expect(featureHistogramQuery('a"b', "v\\1", 90)).toContain('{endpoint="a\\"b",variant="v\\\\1"}[90s]');
    expect(singleFeatureQuery("e", "v", "amount", 600)).toBe(
      'sum by (le) (increase(modelport_runtime_feature_value_bucket{endpoint="e",variant="v",feature="amount"}[600s]))',
    );
  });

  it("reads DRIFT_WINDOW durations", () => {
    expect(durationSeconds("90s")).toBe(90);
    expect(durationSeconds("30m")).toBe(1800);
    expect(durationSeconds("1h")).toBe(3600);
    expect(durationSeconds("2d")).toBe(172_800);
    expect(() => durationSeconds("1h30m")).toThrow(RangeError);
  });
});

describe("binCountsByFeature", () => {
  it("differences each feature's cumulative buckets (any order, +Inf last) into bin counts", () => {
    const samples = [
      sample("amount", "+Inf", 100),
      sample("amount", "10", 20),
      sample("amount", "50", 70),
      sample("is_online", "0", 55),
      sample("is_online", "1", 100),
      sample("is_online", "+Inf", 100),
    ];
    const counts = binCountsByFeature(
      samples,
      new Map([
        ["amount", 3],
        ["is_online", 3],
      ]),
    );
    expect(counts.get("amount")).toEqual([20, 50, 30]);
    expect(counts.get("is_online")).toEqual([55, 45, 0]);
  });

  it("leaves out features whose buckets do not match the reference's bins, and NaN samples", () => {
    const samples = [sample("amount", "10", 1), sample("amount", "+Inf", 2), sample("hour", "+Inf", Number.NaN)];
    expect(binCountsByFeature(samples, new Map([["amount", 3]])).has("amount")).toBe(false);
    expect(binCountsByFeature(samples, new Map([["hour", 1]])).has("hour")).toBe(false);
  });
});

describe("binLabels", () => {
  it("names numeric bins with the le convention and categorical bins with an 'other' bin", () => {
    expect(binLabels({ kind: "NUMERIC", edges: [5, 12.5, 40], categories: [] })).toEqual([
      "≤ 5",
      "(5, 12.5]",
      "(12.5, 40]",
      "> 40",
    ]);
    expect(binLabels({ kind: "NUMERIC", edges: [0.123456], categories: [] })).toEqual(["≤ 0.1235", "> 0.1235"]);
    expect(binLabels({ kind: "CATEGORICAL", edges: [], categories: ["0", "1"] })).toEqual(["0", "1", "other"]);
  });
});
