import { z } from "zod";
import { defineJob, enqueue, unfinishedPayloads } from "@/server/jobs/define-job";

export const asyncInvocationPayload = z.object({ invocationId: z.string().min(1) });

/**
 * Scores one asynchronous invocation. The payload is only the id: the row is the truth, so a repeated or stale BullMQ
 * job finds the invocation finished and does nothing, and a lost one is queued again from the row at worker start.
 */
export const asyncInferenceJob = defineJob({
  name: "async-inference",
  schema: asyncInvocationPayload,
  handler: async () => (await import("@/server/jobs/handlers/async-inference")).handleAsyncInvocation,
  // Eight tries from 5 s doubling: about ten minutes, so a runtime restart or a release does not fail the backlog.
  defaults: { attempts: 8, backoff: { type: "exponential", delay: 5000 }, removeOnComplete: 1000, removeOnFail: 1000 },
  concurrency: 4,
  lockDuration: (settings) => settings.WORKER_LOCK_DURATION_MS,
  stalledInterval: (settings) => settings.WORKER_STALLED_INTERVAL_MS,
  maxStalledCount: 1_000_000,
  singleFlightKey: (payload) => `async:${payload.invocationId}`,
});

/**
 * POSTs a finished invocation's outcome to its webhook; retried with backoff (2 s doubling, eight tries over about four
 * minutes) until the receiver answers 2xx, then given up. Delivery is at least once: receivers deduplicate by id.
 */
export const asyncWebhookJob = defineJob({
  name: "async-webhook",
  schema: asyncInvocationPayload,
  handler: async () => (await import("@/server/jobs/handlers/async-inference")).handleWebhookDelivery,
  defaults: { attempts: 8, backoff: { type: "exponential", delay: 2000 }, removeOnComplete: 1000, removeOnFail: 1000 },
  concurrency: 8,
  singleFlightKey: (payload) => `webhook:${payload.invocationId}`,
});

/**
 * Re-queues, every minute, the invocations and deliveries the database has work for but the queue lost (a job that
 * ended without recording an outcome: the database down on its last attempt), as a worker start does.
 */
export const asyncSweepJob = defineJob({
  name: "async-sweep",
  schema: z.object({}),
  handler: async () => (await import("@/server/jobs/handlers/async-inference")).handleAsyncSweep,
  defaults: { removeOnComplete: 100, removeOnFail: 100 },
  schedule: { every: 60_000 },
});

// One queue entry per invocation at a time (BullMQ deduplication until it completes or fails): the request, a worker
// start and the sweep may all try to queue the same one.
export const enqueueAsyncInvocation = (invocationId: string) =>
  enqueue(asyncInferenceJob, { invocationId }, { deduplication: { id: `async-${invocationId}` } });

export const enqueueWebhookDelivery = (invocationId: string) =>
  enqueue(asyncWebhookJob, { invocationId }, { deduplication: { id: `webhook-${invocationId}` } });

/** The invocations with an entry in `queue` that has not ended (waiting, running, delayed for a retry). */
export async function invocationsQueued(queue: string): Promise<Set<string>> {
  const payloads = await unfinishedPayloads(queue, asyncInvocationPayload);
  return new Set(payloads.map((payload) => payload.invocationId));
}
