import { FEEDBACK_CLOCK_SKEW_MS, type FeedbackRow } from "@/contracts/feedback";
import type { OutcomeSpec } from "@/contracts/outcomes";

/** A problem with one row, in the shape the REST layer reports zod issues: `outcomes.<index>.<field>`. */
export type RowIssue = { path: string; message: string };

/** The true outcome a row reports: a class (classifiers) or a number (regressors). */
export type Truth = { label: string | null; value: number | null };

export type RowKey = { kind: "predictionId" | "correlationId"; id: string };

export type CheckedRow = { index: number; key: RowKey; truth: Truth; knownAt: Date };

const issueAt = (index: number, field: string, message: string): RowIssue => ({
  path: `outcomes.${index}.${field}`,
  message,
});

export const sameTruth = (a: Truth, b: Truth) => a.label === b.label && a.value === b.value;

const describeTruth = (truth: Truth) => (truth.label !== null ? `label "${truth.label}"` : `value ${truth.value}`);

function keyOf(row: FeedbackRow): RowKey {
  return row.predictionId !== undefined
    ? { kind: "predictionId", id: row.predictionId.toLowerCase() }
    : { kind: "correlationId", id: row.correlationId ?? "" };
}

function truthIssue(row: FeedbackRow, index: number, spec: OutcomeSpec): RowIssue | null {
  if (spec.kind === "regression") {
    return row.value === undefined
      ? issueAt(index, "label", "This endpoint's model is a regressor: send a numeric value, not a label")
      : null;
  }
  if (row.label === undefined) {
    return issueAt(index, "value", "This endpoint's model is a classifier: send a label, not a value");
  }
  return spec.classes.includes(row.label)
    ? null
    : issueAt(index, "label", `"${row.label}" is not one of the model's classes (${spec.classes.join(", ")})`);
}

/**
 * The checks that need no captured prediction: the label or value fits the model, knownAt is not in the future
 * (beyond a small clock skew), and a key repeated within the call reports the same outcome each time.
 */
export function checkRows(
  rows: readonly FeedbackRow[],
  spec: OutcomeSpec,
  now: Date,
): { issues: RowIssue[]; rows: CheckedRow[] } {
  const issues: RowIssue[] = [];
  const checked: CheckedRow[] = [];
  const firstByKey = new Map<string, CheckedRow>();
  rows.forEach((row, index) => {
    const truthProblem = truthIssue(row, index, spec);
    if (truthProblem) issues.push(truthProblem);
    const knownAt = new Date(row.knownAt);
    if (knownAt.getTime() > now.getTime() + FEEDBACK_CLOCK_SKEW_MS) {
      issues.push(issueAt(index, "knownAt", "knownAt lies in the future"));
    }
    const entry: CheckedRow = {
      index,
      key: keyOf(row),
      truth: { label: row.label ?? null, value: row.value ?? null },
      knownAt,
    };
    const mapKey = `${entry.key.kind}:${entry.key.id}`;
    const first = firstByKey.get(mapKey);
    if (first && !sameTruth(first.truth, entry.truth)) {
      issues.push(
        issueAt(
          index,
          entry.key.kind,
          `The same ${entry.key.kind} as outcomes.${first.index} with a different outcome ` +
            `(${describeTruth(entry.truth)} vs ${describeTruth(first.truth)})`,
        ),
      );
    }
    if (!first) firstByKey.set(mapKey, entry);
    checked.push(entry);
  });
  return { issues, rows: checked };
}

/** The prediction a row resolved to, with what feedback copies from it. */
export type ResolvedPrediction = { id: string; predictedAt: Date };

/**
 * The checks against the matched predictions: an outcome cannot be known before its prediction was made (beyond
 * the clock skew), and rows reaching the same prediction (e.g. once by id, once by correlation id) must agree.
 */
export function checkResolved(
  rows: readonly CheckedRow[],
  matchOf: (row: CheckedRow) => ResolvedPrediction | undefined,
): RowIssue[] {
  const issues: RowIssue[] = [];
  const firstByPrediction = new Map<string, CheckedRow>();
  for (const row of rows) {
    const prediction = matchOf(row);
    if (!prediction) continue;
    if (row.knownAt.getTime() < prediction.predictedAt.getTime() - FEEDBACK_CLOCK_SKEW_MS) {
      issues.push(
        issueAt(row.index, "knownAt", `knownAt is before the prediction (${prediction.predictedAt.toISOString()})`),
      );
    }
    const first = firstByPrediction.get(prediction.id);
    if (first && !sameTruth(first.truth, row.truth)) {
      issues.push(
        issueAt(
          row.index,
          row.key.kind,
          `Reaches the same prediction as outcomes.${first.index} with a different outcome`,
        ),
      );
    }
    if (!first) firstByPrediction.set(prediction.id, row);
  }
  return issues;
}
