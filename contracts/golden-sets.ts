import { z } from "zod";
import { labelStratumSchema } from "@/contracts/label-strata";

/**
 * Golden sets and the golden-set gate, as they cross the browser boundary.
 *
 * Metrics: classifiers have precision, recall and F1 per class and accuracy overall; regressors MAE and RMSE.
 * Higher is better for the classifier metrics, lower for the regression errors. A criterion names one metric (and
 * its class) and asks for a non-inferiority margin, an absolute bound, or both:
 * - margin m: the confidence bound of Δ = candidate − champion on the bad side stays within m of zero
 *   (lower bound ≥ −m for higher-is-better metrics, upper bound ≤ +m for error metrics);
 * - bound b: the candidate's value on the golden set is at least b (a floor) or, for error metrics, at most b (a ceiling).
 */
export const CLASSIFIER_METRICS = ["precision", "recall", "f1", "accuracy"] as const;
export const REGRESSOR_METRICS = ["mae", "rmse"] as const;
export const GATE_METRICS = [...CLASSIFIER_METRICS, ...REGRESSOR_METRICS] as const;
export type GateMetric = (typeof GATE_METRICS)[number];

/** Metrics computed per class (the others are computed over all rows). */
export const PER_CLASS_METRICS: readonly GateMetric[] = ["precision", "recall", "f1"];
export const higherIsBetter = (metric: GateMetric) => metric !== "mae" && metric !== "rmse";

export const GATE_EVALUATION_STATUSES = ["QUEUED", "RUNNING", "PASSED", "FAILED", "ERROR"] as const;
export type GateEvaluationStatus = (typeof GATE_EVALUATION_STATUSES)[number];

export const gateCriterionSchema = z
  .object({
    metric: z.enum(GATE_METRICS),
    /** The class of a per-class metric (precision, recall, F1); null for accuracy, MAE and RMSE. */
    class: z.string().trim().min(1).max(100).nullable().default(null),
    margin: z.number().min(0).max(1e9).nullable().default(null),
    /** A floor for higher-is-better metrics, a ceiling for error metrics. */
    bound: z.number().min(-1e12).max(1e12).nullable().default(null),
  })
  .refine((c) => c.margin !== null || c.bound !== null, "Give a margin, a bound, or both")
  .refine(
    (c) => PER_CLASS_METRICS.includes(c.metric) === (c.class !== null),
    "Precision, recall and F1 name a class; accuracy, MAE and RMSE do not",
  );

export const goldenSetNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "Letters, digits, spaces, dots, dashes and underscores");

export const gateRuleSchema = z.object({
  confidenceLevel: z.number().min(0.8).max(0.999).default(0.95),
  resamples: z.number().int().min(200).max(20_000).default(2000),
  criteria: z.array(gateCriterionSchema).min(1, "A gate rule has at least one criterion").max(50),
  /** The golden set (by name) whose latest version the gate runs on; null: the model's latest golden set. */
  goldenSetName: goldenSetNameSchema.nullable().default(null),
});

export type GateCriterion = z.output<typeof gateCriterionSchema>;
export type GateRule = z.output<typeof gateRuleSchema>;

export const METRIC_VERDICTS = ["PASS", "FAIL"] as const;

/** One criterion's outcome on one evaluation. Values are null when the metric is undefined (no rows of the class). */
export const gateMetricResultSchema = z.object({
  metric: z.enum(GATE_METRICS),
  class: z.string().nullable(),
  higherIsBetter: z.boolean(),
  candidate: z.number().nullable(),
  champion: z.number().nullable(),
  delta: z.number().nullable(),
  ciLower: z.number().nullable(),
  ciUpper: z.number().nullable(),
  margin: z.number().nullable(),
  bound: z.number().nullable(),
  verdict: z.enum(METRIC_VERDICTS),
  /** Why it failed, in words ("lower bound of Δ −0.041 < −0.02"). */
  reasons: z.array(z.string()),
  /** The CI half-width of Δ exceeds the margin: this golden set cannot tell a difference of the margin from noise. */
  tooSmall: z.boolean(),
});

export type GateMetricResult = z.infer<typeof gateMetricResultSchema>;

/** The most bytes and data rows an uploaded golden-set CSV may have. */
export const GOLDEN_CSV_MAX_BYTES = 5 * 1024 * 1024;
export const GOLDEN_CSV_MAX_ROWS = 20_000;
/** The column holding the expected outcome when the upload names no other. */
export const DEFAULT_EXPECTED_COLUMN = "expected";
/** Above this share of golden rows also found in the training sample, the overlap check warns. */
export const OVERLAP_WARN_SHARE = 0.05;

export const uploadGoldenSetInput = z.object({
  modelName: z.string().min(1).max(200),
  name: goldenSetNameSchema,
  description: z.string().trim().max(1000).default(""),
  fileName: z.string().trim().max(300).default(""),
  expectedColumn: z.string().trim().min(1).max(200).default(DEFAULT_EXPECTED_COLUMN),
  /** The CSV text: a header row (every signature input and the expected column), then one row per example. */
  content: z.string().min(1).max(GOLDEN_CSV_MAX_BYTES),
});

/** Which accepted labels a golden set is frozen from: the model's queues (or one), decided in a date range, strata. */
export const acceptedLabelsFilterFields = z.object({
  modelName: z.string().min(1).max(200),
  /** One of the model's queues; all of them when absent. */
  queueId: z.string().min(1).max(100).optional(),
  /** Labels accepted at or after `from` and before `to`. */
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  /** Only items sampled for one of these reasons; all strata when absent or empty. */
  strata: z.array(labelStratumSchema).max(5).optional(),
});
export const acceptedLabelsFilter = acceptedLabelsFilterFields.refine((f) => !f.from || !f.to || f.from < f.to, {
  message: "`from` must be before `to`",
  path: ["to"],
});

export const freezeFromLabelsInput = z.object({
  filter: acceptedLabelsFilter,
  name: goldenSetNameSchema,
  description: z.string().trim().max(1000).default(""),
});
