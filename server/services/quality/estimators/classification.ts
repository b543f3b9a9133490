import {
  ratioEstimate,
  type Estimate,
  type EstimateOptions,
  type RatioTerm,
} from "@/server/services/quality/estimators/ratio";
import { calibration, type Calibration } from "@/server/services/quality/estimators/calibration";

/** One labelled prediction of a classifier: what it said, what was true, its score and its inclusion probability. */
export type ClassificationRow = {
  predicted: string;
  actual: string;
  score: number | null;
  pi: number;
  /** The variance stratum (the day in a range); one stratum when omitted. */
  stratum?: string;
};

export type ClassQuality = { label: string; precision: Estimate; recall: Estimate; f1: Estimate };

export type ClassificationQuality = {
  labelled: number;
  accuracy: Estimate;
  classes: ClassQuality[];
  /** Binary classifiers whose score is the positive class's probability; null otherwise. */
  calibration: Calibration | null;
};

function estimateFor(
  rows: readonly ClassificationRow[],
  term: (row: ClassificationRow) => Omit<RatioTerm, "pi" | "stratum">,
  options: EstimateOptions,
): Estimate {
  return ratioEstimate(
    rows.map((row) => ({ ...term(row), pi: row.pi, stratum: row.stratum })),
    { ...options, proportion: true },
  );
}

const indicator = (condition: boolean) => (condition ? 1 : 0);

/**
 * Per class c: precision = Σw·[ŷ=c ∧ y=c] / Σw·[ŷ=c], recall = Σw·[ŷ=c ∧ y=c] / Σw·[y=c] and
 * F1 = 2·Σw·[ŷ=c ∧ y=c] / (Σw·[ŷ=c] + Σw·[y=c]) — F1 written as one ratio, so its interval is the ratio's Taylor
 * linearisation (the delta method) like the others. Accuracy = Σw·[ŷ=y] / Σw.
 */
export function classificationQuality(
  rows: readonly ClassificationRow[],
  classes: readonly string[],
  options: EstimateOptions,
): ClassificationQuality {
  const perClass = classes.map((label) => ({
    label,
    precision: estimateFor(
      rows,
      (r) => ({ y: indicator(r.predicted === label && r.actual === label), x: indicator(r.predicted === label) }),
      options,
    ),
    recall: estimateFor(
      rows,
      (r) => ({ y: indicator(r.predicted === label && r.actual === label), x: indicator(r.actual === label) }),
      options,
    ),
    f1: estimateFor(
      rows,
      (r) => ({
        y: 2 * indicator(r.predicted === label && r.actual === label),
        x: indicator(r.predicted === label) + indicator(r.actual === label),
      }),
      options,
    ),
  }));
  const positive = classes.length === 2 ? classes[1]! : null;
  return {
    labelled: rows.length,
    accuracy: estimateFor(rows, (r) => ({ y: indicator(r.predicted === r.actual), x: 1 }), options),
    classes: perClass,
    calibration: positive === null ? null : calibration(rows, positive, options),
  };
}
