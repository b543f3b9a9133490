import { describe, expect, it } from "vitest";
import { classificationQuality, type ClassificationRow } from "@/server/services/quality/estimators/classification";
import { DEFAULT_CONFIDENCE, ratioEstimate } from "@/server/services/quality/estimators/ratio";
import { regressionQuality } from "@/server/services/quality/estimators/regression";

const OPTIONS = { confidence: DEFAULT_CONFIDENCE };
const Z = 1.959963984540054;
const row = (predicted: string, actual: string, pi: number, score: number | null = null): ClassificationRow => ({
  predicted,
  actual,
  pi,
  score,
});

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

  it("linearises the variance: V(precision) = 2/81, V(recall) = 2·(1/9)² + 12·(1/18)² = 5/81", () => {
    expect(positive.precision.standardError).toBeCloseTo(Math.sqrt(2) / 9, 12);
    expect(positive.recall.standardError).toBeCloseTo(Math.sqrt(5) / 9, 12);
    expect(positive.precision.interval!.lower).toBeCloseTo(2 / 3 - (Z * Math.sqrt(2)) / 9, 12);
    expect(positive.precision.interval!.upper).toBeCloseTo(Math.min(1, 2 / 3 + (Z * Math.sqrt(2)) / 9), 12);
    expect(positive.recall.interval!.lower).toBe(0);
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

  it("computes MAE and RMSE with the delta method for RMSE", () => {
    const regression = regressionQuality(
      [
        { predicted: 10, actual: 12, pi: 0.5 },
        { predicted: 5, actual: 4, pi: 1 },
        { predicted: 3, actual: 3, pi: 0.2 },
      ],
      OPTIONS,
    );
    expect(regression.mae.value).toBeCloseTo(5 / 8, 12);
    expect(regression.mae.standardError).toBeCloseTo(Math.sqrt(742) / 64, 12);
    expect(regression.rmse.value).toBeCloseTo(Math.sqrt(9 / 8), 12);
    // MSE residuals: z1 = (4 − 9/8)/8, z3 = (0 − 9/8)/8; factors 2 and 20.
    const mseVariance = 2 * ((4 - 9 / 8) / 8) ** 2 + 20 * (-9 / 8 / 8) ** 2;
    expect(regression.rmse.standardError).toBeCloseTo(Math.sqrt(mseVariance) / (2 * Math.sqrt(9 / 8)), 12);
    const mseLower = Math.max(0, 9 / 8 - Z * Math.sqrt(mseVariance));
    expect(regression.rmse.interval!.lower).toBeCloseTo(Math.sqrt(mseLower), 12);
    expect(regression.rmse.interval!.upper).toBeCloseTo(Math.sqrt(9 / 8 + Z * Math.sqrt(mseVariance)), 12);
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

  it("gives a zero-width interval when every row was included with certainty (π = 1, a census)", () => {
    const estimate = ratioEstimate(
      [
        { y: 1, x: 1, pi: 1 },
        { y: 0, x: 1, pi: 1 },
        { y: 1, x: 1, pi: 1 },
      ],
      OPTIONS,
    );
    expect(estimate.value).toBeCloseTo(2 / 3, 12);
    expect(estimate.standardError).toBe(0);
    expect(estimate.interval).toEqual({ lower: estimate.value, upper: estimate.value });
    expect(estimate.effectiveN).toBeCloseTo(3, 12);
  });

  it("gives a value but no interval from a single row", () => {
    const quality = classificationQuality([row("1", "1", 0.1)], ["0", "1"], OPTIONS);
    expect(quality.classes[1]!.precision.value).toBe(1);
    expect(quality.classes[1]!.precision.interval).toBeNull();
    expect(quality.classes[1]!.precision.standardError).toBeNull();
    expect(quality.classes[1]!.precision.n).toBe(1);
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
