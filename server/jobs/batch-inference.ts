import { z } from "zod";
import { defineJob, enqueue, unfinishedPayloads } from "@/server/jobs/define-job";

export const batchInferencePayload = z.object({ jobId: z.string().min(1) });

/**
 * Runs a batch job to its end. The payload is only the id: the handler reads the job, continues after its last
 * written part, and does nothing when the job has ended, so a repeated or stale BullMQ job is harmless. A worker that
 * dies is replaced by BullMQ's stalled-job check, and the job's row lease keeps two workers off one job.
 */
export const batchInferenceJob = defineJob({
  name: "batch-inference",
  schema: batchInferencePayload,
  handler: async () => (await import("@/server/jobs/handlers/batch-inference")).handleBatchInference,
  defaults: { attempts: 3, backoff: { type: "exponential", delay: 2000 }, removeOnComplete: 1000, removeOnFail: 1000 },
  concurrency: 2,
  lockDuration: (settings) => settings.WORKER_LOCK_DURATION_MS,
  stalledInterval: (settings) => settings.WORKER_STALLED_INTERVAL_MS,
  maxStalledCount: 1_000_000,
  singleFlightKey: (payload) => `batch:${payload.jobId}`,
});

export const enqueueBatchJob = (jobId: string) => enqueue(batchInferenceJob, { jobId });

/** The batch jobs with an entry in the queue that has not ended (waiting, running, delayed for a retry). */
export async function batchJobsQueued(): Promise<Set<string>> {
  const payloads = await unfinishedPayloads(batchInferenceJob.queue, batchInferencePayload);
  return new Set(payloads.map((payload) => payload.jobId));
}
