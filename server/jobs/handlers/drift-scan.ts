import type { Job } from "bullmq";
import type { z } from "zod";
import type { driftScanPayload } from "@/server/jobs/drift-scan";
import type { SystemContext } from "@/server/services/context";
import { scanDrift } from "@/server/services/drift/scan";

/**
 * The window ends when the job was due (whole seconds), not when it happens to run, so a retried job asks the same
 * question and finds its reports already stored instead of writing new ones.
 */
export async function handleDriftScan(
  payload: z.infer<typeof driftScanPayload>,
  context: SystemContext,
  job: Pick<Job, "timestamp" | "delay">,
) {
  const windowEnd = new Date(Math.floor((job.timestamp + job.delay) / 1000) * 1000);
  const windowSeconds = payload.windowSeconds ?? context.settings.driftWindowSeconds;
  const results = await scanDrift(context, { windowSeconds, windowEnd });
  return {
    windowEnd: windowEnd.toISOString(),
    reports: results.length,
    alerts: results.filter((r) => r.status === "ALERT").length,
  };
}
