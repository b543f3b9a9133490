import { type GateCriterion, type GateMetric } from "@/contracts/golden-sets";

/**
 * What the gate compares, row by row in golden-set order. Classes are indices into `classes`; a prediction that
 * names no class (a missing or unusable output) is −1 and counts as wrong. Regression predictions are numbers.
 */
export type GoldenOutcomes =
  | { kind: "classification"; classes: readonly string[]; expected: Int32Array }
  | { kind: "regression"; expected: Float64Array };

export type Predictions = Int32Array | Float64Array;

/** The sufficient statistics of every metric over a (re)sample: a confusion matrix, or error sums. */
export type Summary =
  | { kind: "classification"; k: number; n: number; confusion: Float64Array }
  | { kind: "regression"; n: number; sumAbs: number; sumSq: number };

/** Summarises the rows at `indices` (all rows when null). */
export function summarise(outcomes: GoldenOutcomes, predicted: Predictions, indices: Int32Array | null): Summary {
  const n = indices ? indices.length : outcomes.expected.length;
  if (outcomes.kind === "classification") {
    const k = outcomes.classes.length;
    // One extra predicted column for "no class".
    const confusion = new Float64Array(k * (k + 1));
    for (let j = 0; j < n; j++) {
      const i = indices ? indices[j]! : j;
      const p = predicted[i]!;
      confusion[outcomes.expected[i]! * (k + 1) + (p < 0 ? k : p)]! += 1;
    }
    return { kind: "classification", k, n, confusion };
  }
  let sumAbs = 0;
  let sumSq = 0;
  for (let j = 0; j < n; j++) {
    const i = indices ? indices[j]! : j;
    const error = predicted[i]! - outcomes.expected[i]!;
    sumAbs += Math.abs(error);
    sumSq += error * error;
  }
  return { kind: "regression", n, sumAbs, sumSq };
}

const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);

function classMetric(summary: Extract<Summary, { kind: "classification" }>, metric: GateMetric, c: number) {
  const { k, confusion } = summary;
  const width = k + 1;
  let truePositive = 0;
  let actual = 0;
  let predicted = 0;
  for (let p = 0; p < width; p++) actual += confusion[c * width + p]!;
  for (let e = 0; e < k; e++) predicted += confusion[e * width + c]!;
  truePositive = confusion[c * width + c]!;
  const precision = ratio(truePositive, predicted);
  const recall = ratio(truePositive, actual);
  if (metric === "precision") return precision;
  if (metric === "recall") return recall;
  // F1 = 2TP / (2TP + FP + FN), defined whenever the class is predicted or present.
  return ratio(2 * truePositive, predicted + actual);
}

/** A criterion's metric on a summary; null when it is undefined there (no rows of the class, nothing predicted). */
export function metricValue(summary: Summary, criterion: Pick<GateCriterion, "metric">, classIndex: number) {
  if (summary.kind === "regression") {
    if (summary.n === 0) return null;
    if (criterion.metric === "mae") return summary.sumAbs / summary.n;
    if (criterion.metric === "rmse") return Math.sqrt(summary.sumSq / summary.n);
    return null;
  }
  if (criterion.metric === "accuracy") {
    let correct = 0;
    for (let c = 0; c < summary.k; c++) correct += summary.confusion[c * (summary.k + 1) + c]!;
    return ratio(correct, summary.n);
  }
  if (criterion.metric === "mae" || criterion.metric === "rmse" || classIndex < 0) return null;
  return classMetric(summary, criterion.metric, classIndex);
}
