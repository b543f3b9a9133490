import { z } from "zod";
import {
  DEFAULT_GROUND_TRUTH_SOURCE,
  DEFAULT_QUALITY_RANGE,
  QUALITY_RANGE_KEYS,
  groundTruthSourceSchema,
} from "@/contracts/quality";

export const qualityInput = z.object({
  range: z.enum(QUALITY_RANGE_KEYS).default(DEFAULT_QUALITY_RANGE),
  source: groundTruthSourceSchema.default(DEFAULT_GROUND_TRUTH_SOURCE),
  /** One endpoint's id; every endpoint when omitted. */
  endpointId: z.string().trim().min(1).max(200).optional(),
  /** The confidence level of every interval. */
  confidence: z.number().min(0.5).max(0.999).default(0.95),
  /** The end of the range (its last day is the day of `at`); now when omitted. */
  at: z.date().optional(),
});
export type QualityInput = z.input<typeof qualityInput>;

const interval = z.object({ lower: z.number(), upper: z.number() });

/**
 * One number: `measured` (a value with its interval), `undefined` (its denominator is empty, e.g. no prediction of
 * the class — not 0), or `insufficient` (fewer labelled rows than the minimum: no value is given).
 */
export const estimateOutput = z.object({
  status: z.enum(["measured", "undefined", "insufficient"]),
  value: z.number().nullable(),
  standardError: z.number().nullable(),
  interval: interval.nullable(),
  n: z.number().int(),
  effectiveN: z.number().nullable(),
});
export type EstimateOutput = z.infer<typeof estimateOutput>;

const calibrationOutput = z.object({
  bins: z.array(
    z.object({ lower: z.number(), upper: z.number(), meanScore: z.number().nullable(), observedRate: estimateOutput }),
  ),
  expectedCalibrationError: z.number().nullable(),
  n: z.number().int(),
});

const classificationOutput = z.object({
  accuracy: estimateOutput,
  classes: z.array(
    z.object({ label: z.string(), precision: estimateOutput, recall: estimateOutput, f1: estimateOutput }),
  ),
  calibration: calibrationOutput.nullable(),
});

const regressionOutput = z.object({ mae: estimateOutput, rmse: estimateOutput });

export const segmentOutput = z.object({
  /** Outcome rows of the chosen source used for the numbers. */
  labelled: z.number().int(),
  /** Outcome rows left out: no prediction or truth to compare, or an inclusion probability outside (0, 1]. */
  unusable: z.number().int(),
  /**
   * Captured predictions over the days whose count is known: days the prediction log still holds in full, and older
   * days rolled up into CapturedDailyCount before retention dropped them; null when no day's count is known.
   */
  captured: z.number().int().nullable(),
  /** Of those, how many have an outcome of the chosen source. */
  known: z.number().int().nullable(),
  /** 1 − known / captured; null when nothing was captured or the log no longer holds those days. */
  unknownShare: z.number().nullable(),
  classification: classificationOutput.nullable(),
  regression: regressionOutput.nullable(),
});
export type SegmentOutput = z.infer<typeof segmentOutput>;

export const qualityDashboardOutput = z.object({
  range: z.enum(QUALITY_RANGE_KEYS),
  source: groundTruthSourceSchema,
  confidence: z.number(),
  /** The fewest labelled rows behind a number before it is shown. */
  minLabelled: z.number().int(),
  start: z.date(),
  end: z.date(),
  /** The UTC days of the range, oldest first ("2026-12-02"). */
  days: z.array(z.string()),
  endpoints: z.array(
    z.object({
      endpointId: z.string(),
      endpointName: z.string(),
      modelName: z.string(),
      isDemo: z.boolean(),
      kind: z.enum(["classification", "regression", "unsupported"]),
      classes: z.array(z.string()),
      /** Days before this one have left the prediction log (retention), so their unknown share cannot be measured. */
      capturedFrom: z.date(),
      variants: z.array(
        z.object({
          variantName: z.string(),
          total: segmentOutput,
          days: z.array(segmentOutput.extend({ day: z.string() })),
        }),
      ),
    }),
  ),
});
export type QualityDashboard = z.infer<typeof qualityDashboardOutput>;
