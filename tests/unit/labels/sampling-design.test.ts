import { describe, expect, it } from "vitest";
import { budgetFactor, designOf, runAllowance, safeMean, uniformOf } from "@/server/services/labels/sampling-design";
import { isUncertain, worstBins } from "@/server/services/labels/sampling-strata";

const RATES = { AUDIT: 0.01, UNCERTAINTY: 0.2, DISAGREEMENT: 0.5, DRIFT: 0.1, FLAGGED: 1 };

describe("sampling design", () => {
  it("draws a deterministic uniform per (salt, prediction), spread over [0, 1)", () => {
    expect(uniformOf("salt", "p1")).toBe(uniformOf("salt", "p1"));
    expect(uniformOf("salt", "p1")).not.toBe(uniformOf("other", "p1"));
    const draws = Array.from({ length: 20_000 }, (_, i) => uniformOf("s", `id-${i}`));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / draws.length));
  });

  it("combines strata as 1 − Π(1 − p) and records the stratum with the largest rate", () => {
    expect(designOf(["AUDIT"], RATES)).toEqual({ probability: 0.01, stratum: "AUDIT", strata: ["AUDIT"] });
    const both = designOf(["AUDIT", "UNCERTAINTY", "DRIFT"], RATES)!;
    expect(both.probability).toBeCloseTo(1 - 0.99 * 0.8 * 0.9, 15);
    expect(both.stratum).toBe("UNCERTAINTY");
    expect(designOf(["AUDIT", "FLAGGED"], RATES)).toMatchObject({ probability: 1, stratum: "FLAGGED" });
    expect(designOf(["AUDIT"], { ...RATES, AUDIT: 0 })).toBeNull();
  });

  it("scales before drawing so mean + 3σ stays within what is left, and never above 1", () => {
    expect(safeMean(100)).toBeCloseTo((Math.sqrt(102.25) - 1.5) ** 2, 12);
    const m = safeMean(100);
    expect(m + 3 * Math.sqrt(m)).toBeCloseTo(100, 9);
    expect(budgetFactor(10, 1_000, 1_000)).toBe(1);
    expect(budgetFactor(1_000, 50, 1_000)).toBeCloseTo(0.05, 12);
    expect(budgetFactor(1_000, 1_000, 100)).toBeCloseTo(m / 1_000, 12);
    expect(budgetFactor(1_000, 0, 100)).toBe(0);
    expect(budgetFactor(1_000, 10, 0)).toBe(0);
  });

  it("paces the remaining budget over the rest of the UTC day", () => {
    const now = new Date("2026-12-02T12:00:00Z");
    expect(runAllowance(100, new Date("2026-12-02T11:00:00Z"), new Date("2026-12-02T12:00:00Z"), now)).toBeCloseTo(
      100 / 13,
      9,
    );
    expect(runAllowance(100, new Date("2026-12-01T00:00:00Z"), new Date("2026-12-03T00:00:00Z"), now)).toBe(100);
    expect(runAllowance(0, new Date("2026-12-02T11:00:00Z"), now, now)).toBe(0);
  });
});

describe("strata", () => {
  const spec = { kind: "classification" as const, classes: ["0", "1"], decisionThreshold: 0.3 };

  it("finds uncertainty around the model's own threshold, only for binary classifiers", () => {
    expect(isUncertain(spec, 0.35, 0.1)).toBe(true);
    expect(isUncertain(spec, 0.5, 0.1)).toBe(false);
    expect(isUncertain(spec, null, 0.1)).toBe(false);
    expect(isUncertain({ kind: "regression" }, 0.3, 0.1)).toBe(false);
  });

  it("picks the bins production over-fills most, by their PSI term", () => {
    // Reference 25% each; production piles into bin 3 then bin 2.
    expect([...worstBins([10, 10, 30, 50], [0.25, 0.25, 0.25, 0.25], 2)]).toEqual([3, 2]);
    expect([...worstBins([10, 10, 30, 50], [0.25, 0.25, 0.25, 0.25], 1)]).toEqual([3]);
    expect(worstBins([25, 25, 25, 25], [0.25, 0.25, 0.25, 0.25], 2).size).toBe(0);
    expect(worstBins([0, 0], [0.5, 0.5], 2).size).toBe(0);
  });
});
