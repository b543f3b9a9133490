import { z } from "zod";
import { defineJob } from "@/server/jobs/define-job";

export const SLO_CHECK_EVERY_MS = 5 * 60_000;

/** Checks every endpoint against its latency SLO (error-budget burn, p99 over target) and raises or resolves alerts. */
export const sloCheckJob = defineJob({
  queue: "slo",
  name: "slo-check",
  schema: z.object({ requestedAt: z.string().datetime().optional() }),
  handler: async () => (await import("@/server/jobs/handlers/slo-check")).handleSloCheck,
  defaults: { removeOnComplete: 100, removeOnFail: 100, attempts: 3, backoff: { type: "exponential", delay: 10_000 } },
  schedule: { every: SLO_CHECK_EVERY_MS },
});
