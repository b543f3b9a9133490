import { z } from "zod";
import { defineJob } from "@/server/jobs/define-job";

export const COST_FORECAST_EVERY_MS = 5 * 60_000;

/** Recomputes every team's month-end cost forecast and raises or resolves budget alerts. */
export const costForecastJob = defineJob({
  queue: "cost",
  name: "cost-forecast",
  schema: z.object({ requestedAt: z.string().datetime().optional() }),
  handler: async () => (await import("@/server/jobs/handlers/cost-forecast")).handleCostForecast,
  defaults: { removeOnComplete: 100, removeOnFail: 100, attempts: 3, backoff: { type: "exponential", delay: 10_000 } },
  schedule: { every: COST_FORECAST_EVERY_MS },
});
