import { z } from "zod";
import { defineJob } from "@/server/jobs/define-job";

export const deployPayload = z.object({ deploymentId: z.string().min(1) });

/** Runs a deployment's state machine. The payload is only the id; the worker reads the state from PostgreSQL. */
export const deployJob = defineJob({
  queue: "deployments",
  name: "deploy",
  schema: deployPayload,
  handler: async () => (await import("@/server/jobs/handlers/deploy")).handleDeploy,
  defaults: { attempts: 5, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: 1000, removeOnFail: 1000 },
  concurrency: 4,
  // A bake can last minutes; the lock is renewed while the handler runs, and a crashed worker's job is
  // picked up again once the lock lapses and the stalled-job check sees it.
  lockDuration: (settings) => settings.WORKER_LOCK_DURATION_MS,
  stalledInterval: (settings) => settings.WORKER_STALLED_INTERVAL_MS,
  // Every worker that dies holding the job hands it to the next one: with BullMQ's default (1), a deployment whose
  // taking-over worker died too had its job failed and stayed RUNNING with nothing left to run it. The deployment's
  // own attempts and lease bound the work; a stall is a lost worker, not a failed try.
  maxStalledCount: 1_000_000,
  // A job re-queued after Redis lost it must not run beside the one this process is still handling.
  singleFlightKey: (payload) => payload.deploymentId,
});

/** One job per deployment: BullMQ ignores a second add with the same id, so re-enqueueing is harmless. */
export const deployJobId = (deploymentId: string) => `deploy-${deploymentId}`;
