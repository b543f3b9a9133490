import { z } from "zod";
import { env } from "@/server/env";
import { defineJob, queueFor } from "@/server/jobs/define-job";

export const DRIFT_QUEUE = "drift";
const SCHEDULER_ID = "drift-scan";

/** Scans every endpoint variant with a reference profile for drift; the payload may override DRIFT_WINDOW. */
export const driftScanJob = defineJob({
  queue: DRIFT_QUEUE,
  name: "drift-scan",
  schema: z.object({ windowSeconds: z.number().int().positive().optional() }),
  defaults: { attempts: 3, backoff: { type: "exponential", delay: 5_000 }, removeOnComplete: 100, removeOnFail: 100 },
});

/** The repeatable scan, every DRIFT_SCAN_EVERY_MS; upserting keeps one schedule even when the interval changes. */
export function scheduleDriftScans() {
  return queueFor(DRIFT_QUEUE).upsertJobScheduler(
    SCHEDULER_ID,
    { every: env().DRIFT_SCAN_EVERY_MS },
    { name: driftScanJob.name, data: driftScanJob.schema.parse({}), opts: driftScanJob.defaults },
  );
}
