import { z } from "zod";
import { rowExplanationSchema } from "@/contracts/explanations";
import { labelStratumSchema } from "@/contracts/label-strata";
import { labelSchemaSchema, labelValueSchema, samplingSettingsSchema } from "@/contracts/labels";
import { LabelItemStatus, LabelReviewDecision } from "@/server/db/generated/enums";

// Inputs the router and the services share (the label contracts hold the rest).

export const queueIdInput = z.object({ queueId: z.string().min(1) });
export const itemIdInput = z.object({ itemId: z.string().min(1) });

/** Where the labeller is in the queue's order (the last item they were shown), for J/K paging without offsets. */
export const nextItemsInput = z.object({
  queueId: z.string().min(1),
  after: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(50).default(1),
});

export const reviewListInput = z.object({
  queueId: z.string().min(1),
  /** Only items whose labels agree (ACCEPT possible), only those that disagree (adjudication), or both. */
  agreement: z.enum(["all", "agreed", "disagreed"]).default("all"),
  after: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});

export const adjudicateInput = z.object({
  itemId: z.string().min(1),
  round: z.number().int().min(1),
  value: labelValueSchema,
  reason: z.string().trim().max(2_000).optional(),
});

// Outputs.

const countsOutput = z.object({ labelling: z.number(), review: z.number(), accepted: z.number() });

export const queueOutput = z.object({
  id: z.string(),
  name: z.string(),
  model: z.object({ id: z.string(), name: z.string(), teamId: z.string() }),
  labelSchema: labelSchemaSchema,
  overlap: z.number(),
  dailyBudget: z.number(),
  sampling: samplingSettingsSchema,
  cursorAt: z.date().nullable(),
  createdById: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const myQueueOutput = queueOutput.extend({
  counts: countsOutput,
  /** Items waiting for my label (I have not labelled their current round). */
  toLabel: z.number(),
  /** Items waiting for a review that I may give (I labelled none of their rounds); 0 for roles that do not review. */
  toReview: z.number(),
  /** Of `toReview`, those whose current round's labels disagree (they need adjudication). */
  toAdjudicate: z.number(),
  /** Items sampled into the queue since UTC midnight (what the daily budget counts). */
  sampledToday: z.number(),
});
export const myQueuesOutput = z.array(myQueueOutput);

/** An item as an annotator sees it: what was predicted and why it was sampled, never anyone's labels. */
export const blindItemOutput = z.object({
  id: z.string(),
  queueId: z.string(),
  round: z.number(),
  stratum: labelStratumSchema,
  inclusionProbability: z.number(),
  predictionId: z.string(),
  endpointId: z.string(),
  variantName: z.string(),
  predictedAt: z.date(),
  inputs: z.unknown(),
  outputs: z.unknown(),
  score: z.number().nullable(),
  predicted: z.object({ label: z.string().nullable(), value: z.number().nullable() }),
});
export const blindItemsOutput = z.object({ items: z.array(blindItemOutput), labelSchema: labelSchemaSchema });

export const annotationOutput = z.object({
  annotator: z.object({ id: z.string(), name: z.string() }),
  round: z.number(),
  value: labelValueSchema,
  createdAt: z.date(),
});

export const reviewItemOutput = blindItemOutput.extend({
  status: z.enum(LabelItemStatus),
  annotations: z.array(annotationOutput),
  /** Whether the round's labels all say the same (ACCEPT is possible) or need adjudication. */
  agreed: z.boolean(),
});
export const reviewItemsOutput = z.object({ items: z.array(reviewItemOutput), labelSchema: labelSchemaSchema });

export const submittedOutput = z.object({
  itemId: z.string(),
  round: z.number(),
  status: z.enum(LabelItemStatus),
});

export const reviewedOutput = z.object({
  itemId: z.string(),
  decision: z.enum(LabelReviewDecision),
  status: z.enum(LabelItemStatus),
  round: z.number(),
  finalValue: labelValueSchema.nullable(),
  groundTruth: z.boolean(),
});

const alphaOutput = z.object({ alpha: z.number().nullable(), items: z.number() });

export const agreementOutput = z.object({
  queueId: z.string(),
  metric: z.enum(["nominal", "interval"]),
  overall: alphaOutput,
  perClass: z.array(alphaOutput.extend({ label: z.string() })),
  perAnnotator: z.array(
    alphaOutput.extend({ annotator: z.object({ id: z.string(), name: z.string() }), low: z.boolean() }),
  ),
  pairs: z.array(
    z.object({
      annotators: z.array(z.object({ id: z.string(), name: z.string() })),
      kappa: z.number().nullable(),
      items: z.number(),
    }),
  ),
});

export const flagOutput = z.object({ predictionId: z.string(), created: z.boolean() });

/** Why the model that predicted an item answered what it did (labels.explainItem). */
export const itemExplanationOutput = z.object({
  modelName: z.string(),
  modelVersion: z.number().int(),
  /** The item's features in the model's order, as explained. */
  features: z.record(z.string(), z.number()),
  explanation: rowExplanationSchema,
});
export type ItemExplanation = z.infer<typeof itemExplanationOutput>;
