import { describe, expect, it } from "vitest";
import { proportionArm } from "@/server/services/abtests/statistics/arms";
import { benjaminiHochberg } from "@/server/services/abtests/statistics/benjamini-hochberg";
import {
  alwaysValidPValue,
  confidenceSequenceRadius,
  MSPRT_START,
  mixingVarianceForHorizon,
  mixingVarianceFromMde,
  mixtureLikelihoodRatio,
  msprtLook,
} from "@/server/services/abtests/statistics/msprt";
import {
  expectedDuration,
  sampleSizeForMeans,
  sampleSizeForProportions,
} from "@/server/services/abtests/statistics/sample-size";
import { sampleRatioMismatch } from "@/server/services/abtests/statistics/srm";
import { fixedHorizonZTest } from "@/server/services/abtests/statistics/z-test";

describe("sample size, worked by hand", () => {
  it("means: σ = 1, δ = 0.1, α = 0.05, power 0.8", () => {
    // (z₀.₉₇₅ + z₀.₈)² = (1.959964 + 0.841621)² = 7.848879; × (1 + 1)·1² / 0.1² = 1569.78 → 1570 per arm
    expect(sampleSizeForMeans(1, 0.1)).toEqual({ control: 1570, treatment: 1570, total: 3140 });
  });

  it("proportions: p = 0.10, δ = +0.02", () => {
    // 7.848879 × (0.1·0.9 + 0.12·0.88) / 0.02² = 7.848879 × 489 = 3838.1 → 3839 per arm
    expect(sampleSizeForProportions(0.1, 0.02)).toEqual({ control: 3839, treatment: 3839, total: 7678 });
  });

  it("an 80/20 split needs more units in total than 50/50", () => {
    const even = sampleSizeForMeans(1, 0.1);
    const skewed = sampleSizeForMeans(1, 0.1, { ratio: 0.25 });
    // n_c = 7.848879 × (1 + 1/0.25) / 0.01 = 3924.4 → 3925; n_t = 981.1 → 982
    expect(skewed).toEqual({ control: 3925, treatment: 982, total: 4907 });
    expect(skewed.total).toBeGreaterThan(even.total);
  });

  it("the mSPRT design needs more than the fixed one (c₀.₀₅ ≈ 3.035 against 1.96)", () => {
    // (3.035122 + 0.841621)² = 15.02915; × 2 / 0.01 = 3005.8 → 3006 per arm, 1.915 × the fixed-horizon 1570
    expect(sampleSizeForMeans(1, 0.1, { design: "msprt" }).control).toBe(3006);
  });

  it("duration follows the slower arm", () => {
    // control 3839/500 = 7.68 days, treatment 3839/400 = 9.60 days → 9.5975, 10 whole days
    const duration = expectedDuration({ control: 3839, treatment: 3839 }, { control: 500, treatment: 400 });
    expect(duration.days).toBeCloseTo(9.5975, 12);
    expect(duration.wholeDays).toBe(10);
    expect(expectedDuration({ control: 10, treatment: 10 }, { control: 5, treatment: 0 }).days).toBe(Infinity);
  });

  it("rejects impossible inputs", () => {
    expect(() => sampleSizeForProportions(0.99, 0.02)).toThrow(RangeError);
    expect(() => sampleSizeForMeans(1, 0)).toThrow(RangeError);
  });
});

describe("SRM, worked by hand", () => {
  it("55/45 of 10,000 against 50/50", () => {
    // expected 5000 each; χ² = 500²/5000 + 500²/5000 = 100; P(χ²₁ > 100) = 2·Φ(−10) = 1.5239706e-23
    const result = sampleRatioMismatch([5500, 4500], [1, 1]);
    expect(result.statistic).toBe(100);
    expect(result.degreesOfFreedom).toBe(1);
    expect(result.pValue).toBeCloseTo(1.5239706e-23, 29);
    expect(result.mismatch).toBe(true);
  });

  it("exactly on the weights gives χ² = 0, p = 1", () => {
    expect(sampleRatioMismatch([800, 200], [0.8, 0.2])).toMatchObject({ statistic: 0, pValue: 1, mismatch: false });
  });
});

describe("Benjamini–Hochberg, worked by hand", () => {
  it("four p-values", () => {
    // sorted 0.005, 0.01, 0.03, 0.04; m·p/rank = 0.02, 0.02, 0.04, 0.04; running minimum from the top keeps them
    const result = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
    expect(result.adjusted.map((q) => Number(q.toFixed(12)))).toEqual([0.02, 0.04, 0.04, 0.02]);
    expect(result.rejected).toEqual([true, true, true, true]);
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.005], 0.03).rejected).toEqual([true, false, false, true]);
  });

  it("an empty family rejects nothing", () => {
    expect(benjaminiHochberg([])).toEqual({ adjusted: [], rejected: [] });
  });
});

describe("mSPRT, worked by hand", () => {
  it("Λ and the radius at V = 1, τ² = 1, θ̂ = 2", () => {
    // ln Λ = ½ ln(1/2) + 1·4/(2·1·2) = −0.346574 + 1 → Λ = e/√2 = 1.922116
    expect(mixtureLikelihoodRatio(2, 1, 1)).toBeCloseTo(Math.E / Math.SQRT2, 14);
    // r = √(1·2/1 · (2 ln 20 + ln 2)) = √(2 · 6.684612) = 3.656395
    expect(confidenceSequenceRadius(1, 1, 0.05)).toBeCloseTo(Math.sqrt(2 * (2 * Math.log(20) + Math.log(2))), 14);
  });

  it("the always-valid p-value is a running minimum of 1/Λ", () => {
    expect(alwaysValidPValue(1, Math.log(0.5))).toBe(1); // Λ < 1 never raises p above 1
    expect(alwaysValidPValue(1, Math.log(4))).toBeCloseTo(0.25, 15);
    expect(alwaysValidPValue(0.25, Math.log(2))).toBe(0.25); // weaker evidence later does not undo a smaller p
  });

  it("looks carry the p-value and intersect the confidence sequence", () => {
    const tau2 = mixingVarianceFromMde(0.02);
    expect(tau2).toBeCloseTo(0.0004, 18);
    const first = msprtLook(proportionArm(100, 1000), proportionArm(150, 1000), tau2, { previous: MSPRT_START });
    const second = msprtLook(proportionArm(200, 2000), proportionArm(210, 2000), tau2, { previous: first });
    expect(second.pValue).toBeLessThanOrEqual(first.pValue);
    expect(second.lower).toBeGreaterThanOrEqual(first.lower);
    expect(second.upper).toBeLessThanOrEqual(first.upper);
    expect(first.rejected).toBe(first.pValue < 0.05);
  });

  it("the horizon-tuned τ² is about δ² for an 80 %-power fixed-horizon plan", () => {
    const size = sampleSizeForMeans(1, 0.1);
    const horizonVariance = 2 / size.control;
    // τ² = (u⋆ − 1)·V_N = 8.211968 × 2/1570 = 0.010461 ≈ δ² = 0.01
    expect(mixingVarianceForHorizon(horizonVariance)).toBeCloseTo(8.211968062068253 * (2 / 1570), 12);
  });
});

describe("fixed-horizon z-test, worked by hand", () => {
  it("θ̂ = 0.28 with V = 1/100 + 1/100", () => {
    // se = √0.02 = 0.1414214, z = 1.979899, p = 2·Φ(−1.979899) = 0.0477149 (tables: Φ(−1.98) = 0.023852); CI 0.28 ± 1.959964·0.1414214
    const result = fixedHorizonZTest({ n: 100, mean: 0, variance: 1 }, { n: 100, mean: 0.28, variance: 1 });
    expect(result.z).toBeCloseTo(1.979899, 6);
    expect(result.pValue).toBeCloseTo(0.0477149, 6);
    expect(result.lower).toBeCloseTo(0.28 - 0.2771808, 6);
    expect(result.upper).toBeCloseTo(0.28 + 0.2771808, 6);
  });
});
