import { z } from "zod";

/**
 * How a model's prediction becomes a comparable outcome (for ground truth, label queues, quality and the golden-set
 * gate). Classifiers have ordered class names (binary: negative first, positive last); a model whose first output is
 * a probability predicts the positive class when that probability is at or above the model's decision threshold.
 * Regressors predict the first numeric output.
 */
export const DEFAULT_BINARY_CLASSES = ["0", "1"] as const;

export const outcomeClassesSchema = z
  .array(z.string().trim().min(1).max(100))
  .min(2, "A classifier has at least two classes")
  .max(100)
  .refine((classes) => new Set(classes).size === classes.length, "Class names must be distinct");

export const decisionThresholdSchema = z.number().gt(0).lt(1);

export type OutcomeSpec =
  { kind: "classification"; classes: readonly string[]; decisionThreshold: number } | { kind: "regression" };

export type PredictedOutcome = { label: string | null; value: number | null; score: number | null };

/** The classes a model uses: its own, or "0"/"1" for a binary classifier that has not named them. */
export function classesOf(outcomeClasses: readonly string[]): readonly string[] {
  return outcomeClasses.length >= 2 ? outcomeClasses : DEFAULT_BINARY_CLASSES;
}

/** What a prediction's score (first numeric output) or label output says, as a class or a value. */
export function predictedOutcome(
  spec: OutcomeSpec,
  score: number | null,
  labelOutput?: string | null,
): PredictedOutcome {
  if (spec.kind === "regression") return { label: null, value: score, score };
  if (labelOutput != null && spec.classes.includes(labelOutput)) return { label: labelOutput, value: null, score };
  if (score === null || spec.classes.length !== 2) return { label: null, value: null, score };
  return { label: score >= spec.decisionThreshold ? spec.classes[1]! : spec.classes[0]!, value: null, score };
}
