import { describe, expect, it } from "vitest";
import { bucketCount } from "@/server/services/experiments/curve-preview";
import { lastPointPerStep } from "@/server/services/experiments/metric-points";

describe("lastPointPerStep", () => {
  it("keeps the later point for a repeated (key, step) and leaves others alone", () => {
    const points = lastPointPerStep([
      { key: "loss", step: 1, value: 0.9, timestamp: 1 },
      { key: "loss", step: 2, value: 0.8, timestamp: 2 },
      { key: "acc", step: 1, value: 0.1, timestamp: 3 },
      { key: "loss", step: 1, value: 0.7, timestamp: 4 },
    ]);
    expect(points).toHaveLength(3);
    expect(points.find((p) => p.key === "loss" && p.step === 1)?.value).toBe(0.7);
    expect(points.find((p) => p.key === "acc")?.value).toBe(0.1);
  });
});

describe("bucketCount", () => {
  it("leaves room for two points per bucket plus the first and last point", () => {
    for (const maxPoints of [10, 11, 500, 501, 2000]) {
      expect(2 * bucketCount(maxPoints) + 2).toBeLessThanOrEqual(maxPoints);
      expect(2 * bucketCount(maxPoints) + 2).toBeGreaterThanOrEqual(maxPoints - 1);
    }
  });
});
