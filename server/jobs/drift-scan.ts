import { z } from "zod";
import { defineJob } from "@/server/jobs/define-job";

export const driftScanPayload = z.object({ windowSeconds: z.number().int().positive().optional() });

/**
 * Scans every endpoint variant with a reference profile for drift, every DRIFT_SCAN_EVERY_MS; the payload may
 * override DRIFT_WINDOW.
 */
export const driftScanJob = defineJob({
  queue: "drift",
  name: "drift-scan",
  schema: driftScanPayload,
  handler: async () => (await import("@/server/jobs/handlers/drift-scan")).handleDriftScan,
  defaults: { attempts: 3, backoff: { type: "exponential", delay: 5_000 }, removeOnComplete: 100, removeOnFail: 100 },
  schedule: { every: (settings) => settings.DRIFT_SCAN_EVERY_MS },
});
