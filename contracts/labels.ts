import { z } from "zod";
import type { LabelStratum } from "@/contracts/label-strata";

/**
 * Label queues: what people label (the label schema), how many label each item blind (overlap k), how many items a
 * day may be sampled (daily budget) and how (sampling rates per stratum). Shared by the services, the tRPC router and
 * the labelling pages.
 */

export const MAX_LABEL_OVERLAP = 10;
export const MAX_DAILY_BUDGET = 100_000;
export const MAX_LABEL_REASON = 2_000;
export const MAX_RATING_COMMENT = 2_000;

/** Krippendorff's tentative lower bound for drawing conclusions; annotators below it are flagged to reviewers. */
export const LOW_AGREEMENT_ALPHA = 0.667;
/** Fewest items an annotator must share with others before they can be flagged. */
export const MIN_ITEMS_TO_FLAG = 5;

export const labelSchemaSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("classes"),
    classes: z
      .array(z.string().trim().min(1).max(100))
      .min(2, "At least two classes")
      .max(100)
      .refine((classes) => new Set(classes).size === classes.length, "Class names must be distinct"),
  }),
  z
    .object({ kind: z.literal("number"), min: z.number().finite().optional(), max: z.number().finite().optional() })
    .refine((s) => s.min === undefined || s.max === undefined || s.min < s.max, "min must be below max"),
  z.object({ kind: z.literal("rating"), scale: z.number().int().min(2).max(10), comment: z.boolean() }),
]);
export type LabelSchema = z.infer<typeof labelSchemaSchema>;

/** A label's value: a class name, a number, or a rating 1..scale with an optional comment. */
export const labelValueSchema = z.union([
  z.object({ kind: z.literal("classes"), label: z.string().min(1).max(100) }),
  z.object({ kind: z.literal("number"), value: z.number().finite() }),
  z.object({
    kind: z.literal("rating"),
    rating: z.number().int().min(1).max(10),
    comment: z.string().max(MAX_RATING_COMMENT).optional(),
  }),
]);
export type LabelValue = z.infer<typeof labelValueSchema>;

/** Why `value` does not fit `schema`, or null when it does. */
export function labelValueProblem(schema: LabelSchema, value: LabelValue): string | null {
  if (schema.kind !== value.kind) return `This queue takes ${schema.kind} labels, not ${value.kind}`;
  if (schema.kind === "classes" && value.kind === "classes") {
    return schema.classes.includes(value.label) ? null : `"${value.label}" is not one of the queue's classes`;
  }
  if (schema.kind === "number" && value.kind === "number") {
    if (schema.min !== undefined && value.value < schema.min) return `The value must be at least ${schema.min}`;
    if (schema.max !== undefined && value.value > schema.max) return `The value must be at most ${schema.max}`;
    return null;
  }
  if (schema.kind === "rating" && value.kind === "rating") {
    if (value.rating > schema.scale) return `The rating must be between 1 and ${schema.scale}`;
    if (!schema.comment && value.comment) return "This queue takes no comments";
    return null;
  }
  return null;
}

/** Whether two labels say the same (a rating's comment does not count). */
export function sameLabel(a: LabelValue, b: LabelValue): boolean {
  if (a.kind === "classes" && b.kind === "classes") return a.label === b.label;
  if (a.kind === "number" && b.kind === "number") return a.value === b.value;
  if (a.kind === "rating" && b.kind === "rating") return a.rating === b.rating;
  return false;
}

const rate = z.number().min(0).max(1);

/**
 * How the sampler picks predictions. Each stratum s that applies to a prediction gives it a chance p_s; its inclusion
 * probability is π = 1 − Π(1 − p_s) (scaled by the run's budget factor), decided by a deterministic uniform.
 */
export const samplingSettingsSchema = z.object({
  rates: z
    .object({
      AUDIT: rate.default(0.01),
      UNCERTAINTY: rate.default(0.2),
      DISAGREEMENT: rate.default(0.5),
      DRIFT: rate.default(0.1),
      FLAGGED: rate.default(1),
    })
    .default({ AUDIT: 0.01, UNCERTAINTY: 0.2, DISAGREEMENT: 0.5, DRIFT: 0.1, FLAGGED: 1 }),
  /** UNCERTAINTY applies when |score − decisionThreshold| ≤ this. */
  uncertaintyBand: z.number().gt(0).max(0.5).default(0.1),
  /** DISAGREEMENT: two variants' predictions with the same correlationId at most this far apart. */
  disagreementWindowSeconds: z.number().int().min(1).max(86_400).default(600),
  /** DRIFT: a feature value falls in one of this many most over-represented bins of the latest drift report. */
  driftWorstBins: z.number().int().min(1).max(20).default(2),
  /** DRIFT: only features whose latest PSI is at least this. */
  driftMinPsi: z.number().min(0).default(0.1),
});
export type SamplingSettings = z.infer<typeof samplingSettingsSchema>;

/** Order in which a labeller is offered items: the rarer, more informative strata first. */
export const STRATUM_PRIORITY: Record<LabelStratum, number> = {
  FLAGGED: 0,
  DISAGREEMENT: 1,
  UNCERTAINTY: 2,
  DRIFT: 3,
  AUDIT: 4,
};

export const labelQueueNameSchema = z
  .string()
  .trim()
  .min(1, "Give the queue a name")
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "Letters, digits, spaces, dots, dashes and underscores");

export const createLabelQueueInput = z.object({
  modelName: z.string().min(1).max(200),
  name: labelQueueNameSchema,
  /** Defaults to the model's classes (classifiers) or a number (regressors). */
  labelSchema: labelSchemaSchema.optional(),
  overlap: z.number().int().min(1).max(MAX_LABEL_OVERLAP).default(1),
  dailyBudget: z.number().int().min(0).max(MAX_DAILY_BUDGET).default(100),
  sampling: samplingSettingsSchema.default(samplingSettingsSchema.parse({})),
});

export const updateLabelQueueInput = z.object({
  queueId: z.string().min(1),
  name: labelQueueNameSchema.optional(),
  overlap: z.number().int().min(1).max(MAX_LABEL_OVERLAP).optional(),
  dailyBudget: z.number().int().min(0).max(MAX_DAILY_BUDGET).optional(),
  sampling: samplingSettingsSchema.optional(),
});

export const submitAnnotationInput = z.object({
  itemId: z.string().min(1),
  /** The round the annotator saw; a stale round (the item was rejected meanwhile) is refused. */
  round: z.number().int().min(1),
  value: labelValueSchema,
});

export const reviewDecisionInput = z.discriminatedUnion("decision", [
  z.object({ itemId: z.string().min(1), round: z.number().int().min(1), decision: z.literal("ACCEPT") }),
  z.object({
    itemId: z.string().min(1),
    round: z.number().int().min(1),
    decision: z.literal("FIX_ACCEPT"),
    value: labelValueSchema,
    reason: z.string().trim().max(MAX_LABEL_REASON).optional(),
  }),
  z.object({
    itemId: z.string().min(1),
    round: z.number().int().min(1),
    decision: z.literal("REJECT"),
    reason: z.string().trim().min(1, "Say why the labels are rejected").max(MAX_LABEL_REASON),
  }),
]);
