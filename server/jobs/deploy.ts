import { z } from "zod";
import { defineJob } from "@/server/jobs/define-job";

export const DEPLOYMENTS_QUEUE = "deployments";

/** Runs a deployment's state machine. The payload is only the id; the worker reads the state from PostgreSQL. */
export const deployJob = defineJob({
  queue: DEPLOYMENTS_QUEUE,
  name: "deploy",
  schema: z.object({ deploymentId: z.string().min(1) }),
  defaults: { attempts: 5, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: 1000, removeOnFail: 1000 },
});

/** One job per deployment: BullMQ ignores a second add with the same id, so re-enqueueing is harmless. */
export const deployJobId = (deploymentId: string) => `deploy-${deploymentId}`;
