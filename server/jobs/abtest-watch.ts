import { z } from "zod";
import { defineJob } from "@/server/jobs/define-job";

/**
 * Every ABTEST_WATCH_EVERY_MS: analyses every running A/B test (a look: always-valid p-values and intervals, SRM,
 * label delay), takes harmful challengers off traffic, gives ended tests their last look and re-queues traffic moves
 * left pending (a job lost with Redis, a stop still retrying).
 */
export const abTestWatchJob = defineJob({
  queue: "abtests",
  name: "abtest-watch",
  schema: z.object({ requestedAt: z.string().datetime().optional() }),
  handler: async () => (await import("@/server/jobs/handlers/abtest-watch")).handleAbTestWatch,
  defaults: { removeOnComplete: 100, removeOnFail: 100, attempts: 1 },
  schedule: { every: (settings) => settings.ABTEST_WATCH_EVERY_MS },
  singleFlightKey: () => "abtest-watch",
});
