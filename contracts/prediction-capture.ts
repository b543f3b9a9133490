import { z } from "zod";

/**
 * What the runtime appends to the capture stream for every captured prediction row, and what the capture loader
 * (and the SageMaker capture import, after translating SageMaker's JSONL) parses before writing CapturedPrediction.
 * A stream entry carries either one field `record` (one such object as JSON; the SageMaker import writes these) or
 * one field `records` (a JSON array of them: the runtime appends each flushed batch as one entry, which costs Redis
 * and the runtime one command per batch instead of one per row).
 */
export const CAPTURE_STREAM_KEY = "modelport:capture";

export const capturedValueSchema = z.union([
  z.number(),
  z.string(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.number(), z.string(), z.boolean(), z.null()])),
]);

export const captureRecordSchema = z.object({
  /** The row's prediction id (a UUID); row 0's id is the request's predictionId. */
  id: z.uuid(),
  requestId: z.uuid(),
  rowIndex: z.number().int().min(0),
  endpoint: z.string().min(1).max(200),
  variant: z.string().min(1).max(200),
  modelName: z.string().min(1).max(200).optional(),
  modelVersion: z.number().int().min(1).optional(),
  correlationId: z.string().min(1).max(200).optional(),
  inputs: z.record(z.string(), capturedValueSchema),
  outputs: z.record(z.string(), capturedValueSchema),
  latencyMs: z.number().min(0),
  /** The endpoint's capture rate when the row was served: the probability that it was captured. */
  captureProbability: z.number().gt(0).max(1),
  /** Who served it: the local runtime, or a SageMaker endpoint whose data capture was imported from S3. */
  source: z.enum(["RUNTIME", "SAGEMAKER"]).default("RUNTIME"),
  /** When the prediction was made, ISO 8601. */
  predictedAt: z.iso.datetime({ offset: true }),
});

export type CaptureRecord = z.infer<typeof captureRecordSchema>;

/** The first numeric output, in key order (a classifier's probability, a regressor's value). */
export function firstNumericOutput(outputs: Record<string, unknown>): number | undefined {
  for (const key in outputs) {
    const value = outputs[key];
    const scalar = Array.isArray(value) && value.length === 1 ? value[0] : value;
    return typeof scalar === "number" && Number.isFinite(scalar) ? scalar : undefined;
  }
  return undefined;
}
