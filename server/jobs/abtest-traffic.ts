import { z } from "zod";
import { defineJob, enqueue, queueFor } from "@/server/jobs/define-job";

export const abTestTrafficPayload = z.object({ testId: z.string().min(1) });

/**
 * Moves an A/B test's endpoint to the traffic of its pending status (start, shadow, stop, a challenger taken off).
 * The payload is only the id; the handler reads the pending status and does nothing when there is none.
 */
export const abTestTrafficJob = defineJob({
  name: "abtest-traffic",
  schema: abTestTrafficPayload,
  handler: async () => (await import("@/server/jobs/handlers/abtest-traffic")).handleAbTestTraffic,
  defaults: { attempts: 5, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: 1000, removeOnFail: 1000 },
  concurrency: 4,
  lockDuration: (settings) => settings.WORKER_LOCK_DURATION_MS,
  stalledInterval: (settings) => settings.WORKER_STALLED_INTERVAL_MS,
  maxStalledCount: 1_000_000,
  singleFlightKey: (payload) => `abtest:${payload.testId}`,
});

/** One job per transition request; an ended job of the same id is removed first (BullMQ would ignore the add). */
export async function enqueueAbTestTraffic(testId: string, transitionSeq: number) {
  const jobId = `abtest-traffic-${testId}-${transitionSeq}`;
  const ended = await queueFor(abTestTrafficJob.queue).getJob(jobId);
  if (ended && ((await ended.isCompleted()) || (await ended.isFailed()))) await ended.remove();
  return enqueue(abTestTrafficJob, { testId }, { jobId });
}
