import { z } from "zod";
import { defineJob } from "@/server/jobs/define-job";

export const HEALTH_QUEUE = "health";

/** Proves the worker is alive: it checks the database and records a heartbeat. */
export const healthCheckJob = defineJob({
  queue: HEALTH_QUEUE,
  name: "health-check",
  schema: z.object({ requestedAt: z.string().datetime() }),
  defaults: { removeOnComplete: 100, removeOnFail: 100 },
});
