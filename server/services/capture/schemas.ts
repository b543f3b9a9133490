import { z } from "zod";

/**
 * Where a saved capture rate took effect: `applied` (the local runtime samples at it from the next request),
 * `not-serving` (the runtime has no such endpoint; the next deployment sends it), `unreachable` (the runtime did not
 * answer; the next deployment sends it), `not-local` (another target: applied at its next deployment).
 */
export const captureRuntimeStatus = z.enum(["applied", "not-serving", "unreachable", "not-local"]);

export const capturePolicyOutput = z.object({
  id: z.string(),
  name: z.string(),
  captureRate: z.number(),
  captureRetentionDays: z.number().int(),
  runtime: captureRuntimeStatus,
});
export type CapturePolicy = z.infer<typeof capturePolicyOutput>;
