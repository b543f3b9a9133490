import { classesOf, type OutcomeSpec } from "@/contracts/outcomes";
import { classificationQuality, type ClassificationRow } from "@/server/services/quality/estimators/classification";
import type { Estimate } from "@/server/services/quality/estimators/ratio";
import { regressionQuality, type RegressionRow } from "@/server/services/quality/estimators/regression";
import type { TruthRow } from "@/server/services/quality/ground-truth";
import type { EstimateOutput, SegmentOutput } from "@/server/services/quality/schemas";

/** The fewest labelled rows behind a number before the Quality view shows it. */
export const MIN_LABELLED = 30;

export type QualityKind = OutcomeSpec["kind"] | "unsupported";

const validPi = (pi: number) => pi > 0 && pi <= 1;

/**
 * An outcome row as a segment weighs it: `responseRate` is the share of its stratum's captured predictions that have
 * an outcome of the source when that share is a response propensity to adjust for (API feedback), else 1; `stratum`
 * is its variance stratum (its day).
 */
export type WeightedTruth = TruthRow & { responseRate: number; stratum: string };

const piOf = (r: WeightedTruth) => r.inclusionProbability * r.responseRate;

/** Nothing below the minimum is shown: the value and its interval are withheld, the row count stays. */
export function gate(estimate: Estimate, minLabelled: number): EstimateOutput {
  if (estimate.n < minLabelled)
    return { ...estimate, status: "insufficient", value: null, standardError: null, interval: null };
  return { ...estimate, status: estimate.value === null ? "undefined" : "measured" };
}

function classificationRows(rows: readonly WeightedTruth[]): ClassificationRow[] {
  return rows.flatMap((r) =>
    r.predictedLabel !== null && r.label !== null && validPi(r.inclusionProbability) && validPi(r.responseRate)
      ? [{ predicted: r.predictedLabel, actual: r.label, score: r.score, pi: piOf(r), stratum: r.stratum }]
      : [],
  );
}

function regressionRows(rows: readonly WeightedTruth[]): RegressionRow[] {
  return rows.flatMap((r) => {
    const predicted = r.predictedValue ?? r.score;
    return predicted !== null && r.value !== null && validPi(r.inclusionProbability) && validPi(r.responseRate)
      ? [{ predicted, actual: r.value, pi: piOf(r), stratum: r.stratum }]
      : [];
  });
}

type Counts = { captured: number | null; known: number | null };

/** The quality numbers of one endpoint × variant × period, with its unknown-outcome share. */
export function segmentQuality(
  kind: QualityKind,
  outcomeClasses: readonly string[],
  rows: readonly WeightedTruth[],
  counts: Counts,
  options: { confidence: number; minLabelled: number; withCalibration: boolean },
): SegmentOutput {
  const g = (estimate: Estimate) => gate(estimate, options.minLabelled);
  const unknownShare =
    counts.captured && counts.known !== null ? Math.max(0, 1 - counts.known / counts.captured) : null;
  const base = { ...counts, unknownShare, classification: null, regression: null };
  if (kind === "classification") {
    const usable = classificationRows(rows);
    const quality = classificationQuality(usable, classesOf(outcomeClasses), options);
    return {
      ...base,
      labelled: usable.length,
      unusable: rows.length - usable.length,
      classification: {
        accuracy: g(quality.accuracy),
        classes: quality.classes.map((c) => ({
          label: c.label,
          precision: g(c.precision),
          recall: g(c.recall),
          f1: g(c.f1),
        })),
        calibration:
          options.withCalibration && quality.calibration
            ? {
                ...quality.calibration,
                bins: quality.calibration.bins.map((b) => ({ ...b, observedRate: g(b.observedRate) })),
                expectedCalibrationError:
                  quality.calibration.n >= options.minLabelled ? quality.calibration.expectedCalibrationError : null,
              }
            : null,
      },
    };
  }
  if (kind === "regression") {
    const usable = regressionRows(rows);
    const quality = regressionQuality(usable, options);
    return {
      ...base,
      labelled: usable.length,
      unusable: rows.length - usable.length,
      regression: { mae: g(quality.mae), rmse: g(quality.rmse) },
    };
  }
  return { ...base, labelled: 0, unusable: rows.length };
}
