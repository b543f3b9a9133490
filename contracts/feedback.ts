import { z } from "zod";

/**
 * Ground truth sent by callers (POST /api/v1/endpoints/{endpoint}/feedback and `modelport feedback send`): what was
 * true for predictions an endpoint made, keyed by the prediction's id or by the caller's correlation id.
 */
export const MAX_FEEDBACK_ROWS = 10_000;

/** How far in the future a knownAt may lie (clocks of callers and the portal differ a little). */
export const FEEDBACK_CLOCK_SKEW_MS = 5 * 60 * 1000;

export const feedbackRowSchema = z
  .object({
    predictionId: z.uuid("predictionId must be a UUID").optional(),
    correlationId: z.string().min(1).max(200).optional(),
    /** A classifier's true class: one of the model's classes. */
    label: z.string().min(1).max(100).optional(),
    /** A regressor's true value: a finite number. */
    value: z.number().optional(),
    /** When the outcome became known, ISO 8601 with an offset. */
    knownAt: z.iso.datetime({ offset: true, message: "knownAt must be an ISO 8601 time with an offset" }),
  })
  .strict()
  .superRefine((row, ctx) => {
    if ((row.predictionId === undefined) === (row.correlationId === undefined)) {
      ctx.addIssue({ code: "custom", message: "Give exactly one of predictionId and correlationId" });
    }
    if ((row.label === undefined) === (row.value === undefined)) {
      ctx.addIssue({ code: "custom", message: "Give exactly one of label (classifiers) and value (regressors)" });
    }
  });

export const feedbackInput = z
  .object({
    outcomes: z
      .array(feedbackRowSchema)
      .min(1, "Send at least one outcome")
      .max(MAX_FEEDBACK_ROWS, `At most ${MAX_FEEDBACK_ROWS} outcomes per call`),
  })
  .strict();

export type FeedbackRow = z.infer<typeof feedbackRowSchema>;

export const FEEDBACK_ROW_STATUSES = ["created", "updated", "unchanged", "unknown", "ambiguous"] as const;
export type FeedbackRowStatus = (typeof FEEDBACK_ROW_STATUSES)[number];

export const feedbackRowResultSchema = z.object({
  /** The row's position in `outcomes`, from 0. */
  index: z.number().int(),
  status: z.enum(FEEDBACK_ROW_STATUSES),
  /** The prediction the row was recorded for (absent for unknown and ambiguous rows). */
  predictionId: z.string().optional(),
  /** Why a row changed nothing or could not be matched. */
  note: z.string().optional(),
});

export const feedbackOutput = z.object({
  endpoint: z.string(),
  counts: z.object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    unknown: z.number().int(),
    ambiguous: z.number().int(),
  }),
  rows: z.array(feedbackRowResultSchema),
});

export type FeedbackOutput = z.infer<typeof feedbackOutput>;
