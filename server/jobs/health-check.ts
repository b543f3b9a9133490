import { z } from "zod";
import { defineJob } from "@/server/jobs/define-job";

export const healthCheckPayload = z.object({ requestedAt: z.string().datetime() });

/** Proves the worker is alive: it checks the database and records a heartbeat, every minute. */
export const healthCheckJob = defineJob({
  queue: "health",
  name: "health-check",
  schema: healthCheckPayload,
  handler: async () => (await import("@/server/jobs/handlers/health-check")).handleHealthCheck,
  defaults: { removeOnComplete: 100, removeOnFail: 100 },
  schedule: { every: 60_000, payload: () => ({ requestedAt: new Date().toISOString() }) },
});
