import { z } from "zod";
import { abMetricKeySchema } from "@/contracts/abtests";

/**
 * The stored live analysis of an A/B test (AbTest.analysis), written by server/services/abtests/analysis at each look.
 * Every number is measured; where a metric has none, `note` says why ("no outcomes yet", "Prometheus unreachable: …").
 */

export const AB_VERDICTS = ["winner", "loser", "inconclusive", "frozen", "harmful"] as const;
export const abMetricRoleInAnalysis = z.enum(["PRIMARY", "GUARDRAIL", "SECONDARY"]);

const armMeasure = z.object({
  variantName: z.string(),
  /** Units measured: outcomes for a ground-truth metric, requests for the error rate and latency shares. */
  units: z.number().min(0),
  /** The arm's mean: a rate, a mean absolute error, the share of requests slower than the threshold. */
  value: z.number().nullable(),
});

const fixedHorizonSchema = z.object({
  estimate: z.number(),
  standardError: z.number(),
  z: z.number(),
  pValue: z.number(),
  lower: z.number(),
  upper: z.number(),
});

/** One sequential comparison of a challenger with the champion on one metric (treatment − control). */
export const abComparisonSchema = z.object({
  metric: abMetricKeySchema,
  role: abMetricRoleInAnalysis,
  variantName: z.string(),
  control: armMeasure,
  treatment: armMeasure,
  /** This look's treatment − control; null when an arm has no units. */
  estimate: z.number().nullable(),
  /** Always-valid: the running minimum p-value and the intersected confidence sequence over all looks so far. */
  pValue: z.number(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  alpha: z.number(),
  rejected: z.boolean(),
  /** The mSPRT's mixing variance and where it came from. */
  tau2: z.number().nullable(),
  tau2Source: z.string().nullable(),
  /** Benjamini–Hochberg adjusted p-value across the secondary metrics (null for the others). */
  adjustedPValue: z.number().nullable(),
  /** The fixed-horizon z-test, only once both arms reached their planned units (primary metric only). */
  fixedHorizon: fixedHorizonSchema.nullable(),
  /** For latency metrics: the fixed threshold (seconds) whose exceedance share is compared, and why that one. */
  threshold: z.object({ seconds: z.number(), source: z.string() }).nullable(),
  note: z.string().nullable(),
});

export const abQuantileSchema = z.object({
  metric: abMetricKeySchema,
  variantName: z.string(),
  quantile: z.number(),
  /** Interpolated within the bucket holding the quantile; the true value lies in [bucketLower, bucketUpper]. */
  seconds: z.number().nullable(),
  bucketLower: z.number().nullable(),
  bucketUpper: z.number().nullable(),
  requests: z.number().min(0),
  note: z.string().nullable(),
});

export const abCostSchema = z.object({
  variantName: z.string(),
  usd: z.number().nullable(),
  predictions: z.number().nullable(),
  usdPer1k: z.number().nullable(),
  note: z.string().nullable(),
});

export const abScoreShiftSchema = z.object({
  variantName: z.string(),
  psi: z.number().nullable(),
  /** (B − 1)·(1/n + 1/m): the PSI two same-distribution samples of these sizes show on average. */
  expectedUnderNoShift: z.number().nullable(),
  bins: z.number().int(),
  controlRows: z.number().int(),
  treatmentRows: z.number().int(),
  note: z.string().nullable(),
});

export const abArmStatusSchema = z.object({
  variantName: z.string(),
  role: z.enum(["CHAMPION", "CHALLENGER"]),
  weight: z.number(),
  stoppedAt: z.iso.datetime().nullable(),
  /** The window's predictions (weighted by 1/capture probability) and the share still without a usable outcome. */
  predictions: z.number().min(0),
  waitingForOutcome: z.number().min(0),
  waitingShare: z.number().nullable(),
});

export const abSrmSchema = z.object({
  since: z.iso.datetime(),
  counts: z.array(
    z.object({ variantName: z.string(), weight: z.number(), observed: z.number(), expected: z.number() }),
  ),
  statistic: z.number().nullable(),
  pValue: z.number().nullable(),
  mismatch: z.boolean(),
  note: z.string().nullable(),
});

export const abHarmSchema = z.object({ variantName: z.string(), metric: abMetricKeySchema, detail: z.string() });

export const abVerdictSchema = z.object({
  variantName: z.string(),
  verdict: z.enum(AB_VERDICTS),
  reason: z.string(),
});

export const abShadowSchema = z.object({
  variantName: z.string(),
  pairs: z.number().int().min(0),
  measure: z.enum(["class_disagreement", "mean_absolute_difference"]),
  disagreement: z.number().nullable(),
  latency: z.array(abQuantileSchema.omit({ metric: true })),
  note: z.string().nullable(),
});

export const abAnalysisSchema = z.object({
  at: z.iso.datetime(),
  window: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }),
  labelDelay: z.object({
    minutes: z.number().int().min(0),
    /** Outcome metrics use predictions made in the window up to here (the window's end less the label delay). */
    outcomeCutoff: z.iso.datetime(),
  }),
  arms: z.array(abArmStatusSchema),
  comparisons: z.array(abComparisonSchema),
  quantiles: z.array(abQuantileSchema),
  costs: z.array(abCostSchema),
  scoreShift: z.array(abScoreShiftSchema),
  srm: abSrmSchema,
  harm: z.array(abHarmSchema),
  verdicts: z.array(abVerdictSchema),
  shadow: z.array(abShadowSchema),
  /** Sources that could not be read at this look, in their own words. */
  unavailable: z.array(z.object({ source: z.string(), reason: z.string() })),
});

export type AbAnalysis = z.infer<typeof abAnalysisSchema>;
export type AbComparison = z.infer<typeof abComparisonSchema>;
export type AbQuantile = z.infer<typeof abQuantileSchema>;
export type AbCost = z.infer<typeof abCostSchema>;
export type AbScoreShift = z.infer<typeof abScoreShiftSchema>;
export type AbArmStatus = z.infer<typeof abArmStatusSchema>;
export type AbSrm = z.infer<typeof abSrmSchema>;
export type AbHarm = z.infer<typeof abHarmSchema>;
export type AbVerdict = z.infer<typeof abVerdictSchema>;
export type AbShadow = z.infer<typeof abShadowSchema>;
export type AbVerdictKind = (typeof AB_VERDICTS)[number];
