import { z } from "zod";
import { defineJob } from "@/server/jobs/define-job";

/**
 * Mirrors into Redis the feature values a write stored in PostgreSQL while Redis could not take them. Until then the
 * runtime reads those entities from PostgreSQL (a hot miss goes to the cold path), so nothing is served stale.
 */
export const featureSyncJob = defineJob({
  name: "feature-sync",
  schema: z.object({}),
  handler: async () => (await import("@/server/jobs/handlers/feature-sync")).handleFeatureSync,
  defaults: { removeOnComplete: 100, removeOnFail: 100 },
  schedule: { every: (settings) => settings.FEATURE_SYNC_EVERY_MS },
});
