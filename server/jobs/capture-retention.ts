import { z } from "zod";
import { defineJob } from "@/server/jobs/define-job";

export const captureRetentionPayload = z.object({});

/**
 * Deletes captured predictions past their endpoint's retention and drops day partitions wholly past it, keeping the
 * rows something refers to (server/services/capture/retention.ts), every CAPTURE_RETENTION_EVERY_MS.
 */
export const captureRetentionJob = defineJob({
  queue: "capture-retention",
  name: "capture-retention",
  schema: captureRetentionPayload,
  handler: async () => (await import("@/server/jobs/handlers/capture-retention")).handleCaptureRetention,
  defaults: { attempts: 3, backoff: { type: "exponential", delay: 10_000 }, removeOnComplete: 50, removeOnFail: 50 },
  schedule: { every: (settings) => settings.CAPTURE_RETENTION_EVERY_MS },
});
