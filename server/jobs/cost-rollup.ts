import { z } from "zod";
import { defineJob } from "@/server/jobs/define-job";

export const COST_QUEUE = "cost";
export const COST_ROLLUP_EVERY_MS = 5 * 60_000;

/** Recomputes every team's month-end cost forecast and raises or resolves budget alerts and latency-SLO alerts. */
export const costRollupJob = defineJob({
  queue: COST_QUEUE,
  name: "cost-rollup",
  schema: z.object({ requestedAt: z.string().datetime().optional() }),
  defaults: { removeOnComplete: 100, removeOnFail: 100, attempts: 3, backoff: { type: "exponential", delay: 10_000 } },
});
