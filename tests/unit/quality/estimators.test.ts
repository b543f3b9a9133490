import { describe, expect, it } from "vitest";
import { classificationQuality, type ClassificationRow } from "@/server/services/quality/estimators/classification";
import { DEFAULT_CONFIDENCE, ratioEstimate } from "@/server/services/quality/estimators/ratio";
import { regressionQuality } from "@/server/services/quality/estimators/regression";
import { responseRates } from "@/server/services/quality/response-rates";

const OPTIONS = { confidence: DEFAULT_CONFIDENCE };
const Z = 1.959963984540054;
/** Student's t at 97.5%: df 1 is cot(π/40), df 2 is √(2/(0.05·1.95) − 2), df 39 from scipy.stats.t.ppf(0.975, 39). */
const T1 = 1 / Math.tan(Math.PI / 40);
const T2 = Math.sqrt(2 / (0.05 * 1.95) - 2);
const T39 = 2.022690920036761;
/** The Korn–Graubard effective size: n* shrunk by (z/t)² for the instability of the variance estimate. */
const shrink = (size: number, t: number) => size * (Z / t) ** 2;
const row = (predicted: string, actual: string, pi: number, score: number | null = null): ClassificationRow => ({
  predicted,
  actual,
  pi,
  score,
});

/** The Wilson score interval written out: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n). */
const wilson = (p: number, n: number) => {
  const centre = (p + Z ** 2 / (2 * n)) / (1 + Z ** 2 / n);
  const half = (Z / (1 + Z ** 2 / n)) * Math.sqrt((p * (1 - p)) / n + Z ** 2 / (4 * n * n));
  return { lower: centre - half, upper: centre + half };
};

describe("worked example, checked by hand", () => {
  // weights 2, 1, 4, 1: TP weight 2, FP 1, FN 4, TN 1.
  const rows = [row("1", "1", 0.5, 0.9), row("1", "0", 1, 0.7), row("0", "1", 0.25, 0.2), row("0", "0", 1, 0.1)];
  const quality = classificationQuality(rows, ["0", "1"], OPTIONS);
  const positive = quality.classes[1]!;

  it("weights precision, recall, F1 and accuracy by 1/π", () => {
    expect(positive.precision.value).toBeCloseTo(2 / 3, 12);
    expect(positive.recall.value).toBeCloseTo(1 / 3, 12);
    expect(positive.f1.value).toBeCloseTo(4 / 9, 12);
    expect(quality.accuracy.value).toBeCloseTo(3 / 8, 12);
  });

  it("linearises the variance with replacement: u = w·(y − R̂x)/X̂, V = n/(n−1)·Σu²", () => {
    // precision: X̂ = 3, u = 2·(1/3)/3 = 2/9 and 1·(−2/3)/3 = −2/9 (the TNs and the FN add 0); n = 4 rows.
    // recall: X̂ = 6, u = 2·(2/3)/6 = 2/9 and 4·(−1/3)/6 = −2/9. Both: V = 4/3 · 8/81 = 32/243.
    expect(positive.precision.standardError).toBeCloseTo(Math.sqrt(32 / 243), 12);
    expect(positive.recall.standardError).toBeCloseTo(Math.sqrt(32 / 243), 12);
  });

  it("gives proportions a Wilson interval at n* = p̂(1 − p̂)/V̂ · (z/t_df)², at most the rows behind them", () => {
    // precision: n* = (2/9)/(32/243) = 1.6875 (< 2 rows); recall: p̂ = 1/3 gives the same n*. One stratum whose
    // domain has 2 rows: df = 1.
    const precision = wilson(2 / 3, shrink(1.6875, T1));
    expect(positive.precision.interval!.lower).toBeCloseTo(precision.lower, 12);
    expect(positive.precision.interval!.upper).toBeCloseTo(precision.upper, 12);
    const recall = wilson(1 / 3, shrink(1.6875, T1));
    expect(positive.recall.interval!.lower).toBeCloseTo(recall.lower, 12);
    expect(positive.recall.interval!.upper).toBeCloseTo(recall.upper, 12);
    expect(positive.precision.interval!.lower).toBeGreaterThan(0);
    expect(positive.precision.interval!.upper).toBeLessThan(1);
  });

  it("counts the labelled rows behind each number and their effective size", () => {
    expect(positive.precision.n).toBe(2);
    expect(positive.precision.effectiveN).toBeCloseTo(9 / 5, 12);
    expect(positive.recall.n).toBe(2);
    expect(quality.accuracy.n).toBe(4);
    expect(quality.labelled).toBe(4);
  });

  it("bins the calibration by score and weights the observed rate", () => {
    const bins = quality.calibration!.bins;
    expect(bins).toHaveLength(10);
    expect(bins[9]!.observedRate.value).toBe(1);
    expect(bins[7]!.observedRate.value).toBe(0);
    expect(bins[2]!.observedRate.value).toBe(1);
    expect(bins[5]!.meanScore).toBeNull();
    expect(bins[5]!.observedRate.value).toBeNull();
    // ECE = Σ w_b |obs − mean| / Σ w = (2·0.1 + 1·0.7 + 4·0.8 + 1·0.1) / 8
    expect(quality.calibration!.expectedCalibrationError).toBeCloseTo((0.2 + 0.7 + 3.2 + 0.1) / 8, 12);
  });

  it("computes MAE and RMSE with a Wald interval, and the delta method for RMSE", () => {
    const regression = regressionQuality(
      [
        { predicted: 10, actual: 12, pi: 0.5 },
        { predicted: 5, actual: 4, pi: 1 },
        { predicted: 3, actual: 3, pi: 0.2 },
      ],
      OPTIONS,
    );
    expect(regression.mae.value).toBeCloseTo(5 / 8, 12);
    // u = 2·(2 − 5/8)/8 = 22/64, 1·(1 − 5/8)/8 = 3/64, 5·(0 − 5/8)/8 = −25/64; V = 3/2 · 1118/4096.
    expect(regression.mae.standardError).toBeCloseTo(Math.sqrt(1.5 * 1118) / 64, 12);
    expect(regression.mae.interval!.lower).toBe(0);
    // One stratum, 3 rows: df = 2.
    expect(regression.mae.interval!.upper).toBeCloseTo(5 / 8 + (T2 * Math.sqrt(1.5 * 1118)) / 64, 8);
    expect(regression.rmse.value).toBeCloseTo(Math.sqrt(9 / 8), 12);
    // MSE: R̂ = 9/8, u = 2·(4 − 9/8)/8, 1·(1 − 9/8)/8, 5·(0 − 9/8)/8.
    const mseVariance = (1.5 * ((2 * (4 - 9 / 8)) ** 2 + (1 - 9 / 8) ** 2 + (5 * (-9 / 8)) ** 2)) / 64;
    expect(regression.rmse.standardError).toBeCloseTo(Math.sqrt(mseVariance) / (2 * Math.sqrt(9 / 8)), 12);
    const mseLower = Math.max(0, 9 / 8 - T2 * Math.sqrt(mseVariance));
    expect(regression.rmse.interval!.lower).toBeCloseTo(Math.sqrt(mseLower), 8);
    expect(regression.rmse.interval!.upper).toBeCloseTo(Math.sqrt(9 / 8 + T2 * Math.sqrt(mseVariance)), 8);
  });
});

describe("feedback with π = 1 (every prediction could get feedback)", () => {
  it("has the iid binomial variance p̂(1 − p̂)/(n − 1), not zero", () => {
    const terms = Array.from({ length: 40 }, (_, i) => ({ y: i < 30 ? 1 : 0, x: 1, pi: 1 }));
    const estimate = ratioEstimate(terms, { ...OPTIONS, proportion: true });
    expect(estimate.value).toBeCloseTo(0.75, 12);
    expect(estimate.standardError).toBeCloseTo(Math.sqrt((0.75 * 0.25) / 39), 12);
    // n* = p̂(1 − p̂)/V̂ = 39, below the 40 rows; df = 39.
    const expected = wilson(0.75, shrink(39, T39));
    expect(estimate.interval!.lower).toBeCloseTo(expected.lower, 12);
    expect(estimate.interval!.upper).toBeCloseTo(expected.upper, 12);
    expect(estimate.interval!.upper - estimate.interval!.lower).toBeGreaterThan(0.2);
  });

  it("reduces to the sample variance of the mean for an error metric: s²/n", () => {
    const errors = [1, 2, 3, 4, 10];
    const estimate = ratioEstimate(
      errors.map((e) => ({ y: e, x: 1, pi: 1 })),
      OPTIONS,
    );
    const mean = 4;
    const s2 = errors.reduce((s, e) => s + (e - mean) ** 2, 0) / (errors.length - 1);
    expect(estimate.standardError).toBeCloseTo(Math.sqrt(s2 / errors.length), 12);
  });

  it("centres the linearised values within each stratum (day)", () => {
    // Two days, equal weights 1: R̂ = 3/6 = 1/2, u = (y − 1/2)/6. Day a: y = 1, 1, 0 (u = 1/12, 1/12, −1/12; mean
    // 1/36); day b: y = 1, 0, 0 (mean −1/36). V = Σ_h 3/2 · Σ (u − ū_h)².
    const ys = { a: [1, 1, 0], b: [1, 0, 0] };
    const terms = Object.entries(ys).flatMap(([stratum, values]) => values.map((y) => ({ y, x: 1, pi: 1, stratum })));
    const u = (y: number) => (y - 0.5) / 6;
    const within = (values: number[]) => {
      const mean = values.reduce((s, y) => s + u(y), 0) / values.length;
      return 1.5 * values.reduce((s, y) => s + (u(y) - mean) ** 2, 0);
    };
    const estimate = ratioEstimate(terms, OPTIONS);
    expect(estimate.standardError).toBeCloseTo(Math.sqrt(within(ys.a) + within(ys.b)), 12);
  });
});

describe("response propensity of API feedback per day", () => {
  it("is known / captured per day, pooled for days whose count is gone, and 1 for other sources", () => {
    const days = [
      { captured: 100, known: 50 },
      { captured: 200, known: 20 },
      { captured: null, known: null },
      { captured: 0, known: 0 },
      { captured: 5, known: 9 },
    ];
    expect(responseRates("feedback", days)).toEqual([0.5, 0.1, 79 / 305, 1, 1]);
    expect(responseRates("review", days)).toEqual([1, 1, 1, 1, 1]);
    expect(responseRates("combined", days)).toEqual([1, 1, 1, 1, 1]);
    expect(responseRates("feedback", [{ captured: null, known: null }])).toEqual([1]);
  });
});

describe("edge cases", () => {
  it("leaves precision undefined (null, not 0) when no row predicts the class", () => {
    const quality = classificationQuality([row("0", "1", 0.5), row("0", "0", 0.5)], ["0", "1"], OPTIONS);
    const positive = quality.classes[1]!;
    expect(positive.precision.value).toBeNull();
    expect(positive.precision.interval).toBeNull();
    expect(positive.precision.n).toBe(0);
    expect(positive.recall.value).toBe(0);
    expect(positive.f1.value).toBe(0);
  });

  it("gives a single row a value, no standard error, and for a proportion a wide Wilson interval (n = 1, df 1)", () => {
    const quality = classificationQuality([row("1", "1", 0.1)], ["0", "1"], OPTIONS);
    const precision = quality.classes[1]!.precision;
    expect(precision.value).toBe(1);
    expect(precision.standardError).toBeNull();
    expect(precision.n).toBe(1);
    const size = shrink(1, T1);
    expect(precision.interval!.lower).toBeCloseTo(size / (size + Z * Z), 10);
    expect(precision.interval!.lower).toBeGreaterThan(0);
    expect(precision.interval!.upper).toBe(1);
    const mae = regressionQuality([{ predicted: 1, actual: 3, pi: 0.5 }], OPTIONS).mae;
    expect(mae).toMatchObject({ value: 2, standardError: null, interval: null, n: 1 });
  });

  it("keeps an interval of positive width inside [0, 1] when every outcome is the same", () => {
    for (const y of [0, 1]) {
      const terms = Array.from({ length: 40 }, () => ({ y, x: 1, pi: 1 }));
      const estimate = ratioEstimate(terms, { ...OPTIONS, proportion: true });
      expect(estimate.value).toBe(y);
      expect(estimate.standardError).toBe(0);
      // n* falls back to Kish's effective size, 40, and df to n − 1: the Wilson ends n*/(n* + z²) and z²/(n* + z²).
      const size = shrink(40, T39);
      const expected =
        y === 1 ? { lower: size / (size + Z * Z), upper: 1 } : { lower: 0, upper: (Z * Z) / (size + Z * Z) };
      expect(estimate.interval!.lower).toBeCloseTo(expected.lower, 12);
      expect(estimate.interval!.upper).toBeCloseTo(expected.upper, 12);
    }
    const weighted = ratioEstimate(
      [
        { y: 1, x: 1, pi: 0.1 },
        { y: 1, x: 1, pi: 0.5 },
        { y: 1, x: 1, pi: 0.5 },
      ],
      { ...OPTIONS, proportion: true },
    );
    // Kish: (10 + 2 + 2)² / (100 + 4 + 4) = 196/108; df = 2.
    expect(weighted.effectiveN).toBeCloseTo(196 / 108, 12);
    const size = shrink(196 / 108, T2);
    expect(weighted.interval!.lower).toBeCloseTo(size / (size + Z * Z), 8);
  });

  it("gives identical errors a zero-width interval: nothing in the rows says they vary (documented)", () => {
    const mae = regressionQuality(
      Array.from({ length: 5 }, () => ({ predicted: 3, actual: 1, pi: 1 })),
      OPTIONS,
    ).mae;
    expect(mae).toMatchObject({ value: 2, standardError: 0, interval: { lower: 2, upper: 2 } });
  });

  it("never returns NaN", () => {
    const cases = [
      [{ y: 0, x: 0, pi: 1 }],
      [{ y: 1, x: 1, pi: 1 }],
      [
        { y: 1, x: 1, pi: 1, stratum: "a" },
        { y: 0, x: 1, pi: 1, stratum: "b" },
      ],
    ];
    for (const terms of cases)
      for (const proportion of [true, false]) {
        const estimate = ratioEstimate(terms, { ...OPTIONS, proportion });
        for (const value of [
          estimate.value,
          estimate.standardError,
          estimate.interval?.lower,
          estimate.interval?.upper,
        ])
          expect(Number.isNaN(value)).toBe(false);
      }
  });

  it("has nothing to say about no rows at all", () => {
    const quality = classificationQuality([], ["0", "1"], OPTIONS);
    expect(quality.accuracy.value).toBeNull();
    expect(quality.calibration!.expectedCalibrationError).toBeNull();
    expect(regressionQuality([], OPTIONS).rmse.value).toBeNull();
  });

  it("refuses an inclusion probability outside (0, 1]", () => {
    expect(() => ratioEstimate([{ y: 1, x: 1, pi: 0 }], OPTIONS)).toThrow(RangeError);
    expect(() => ratioEstimate([{ y: 1, x: 1, pi: 1.5 }], OPTIONS)).toThrow(RangeError);
    expect(() => ratioEstimate([{ y: 1, x: 1, pi: Number.NaN }], OPTIONS)).toThrow(RangeError);
  });

  it("has no calibration for a classifier with more than two classes", () => {
    expect(classificationQuality([row("a", "b", 1)], ["a", "b", "c"], OPTIONS).calibration).toBeNull();
  });
});

describe("the Wilson interval after rounding", () => {
  it("contains the value at the ends: a proportion of 1 has an upper end of exactly 1", () => {
    for (const n of [1, 7, 39, 40, 1000, 123_456]) {
      const ones = ratioEstimate(
        Array.from({ length: n }, () => ({ y: 1, x: 1, pi: 1 })),
        { ...OPTIONS, proportion: true },
      );
      expect(ones.interval!.upper).toBe(1);
      const zeros = ratioEstimate(
        Array.from({ length: n }, () => ({ y: 0, x: 1, pi: 1 })),
        { ...OPTIONS, proportion: true },
      );
      expect(zeros.interval!.lower).toBe(0);
    }
  });
});
