import type { Job } from "bullmq";
import type { Db } from "@/server/db/client";
import { env } from "@/server/env";
import { prometheusFromEnv } from "@/server/integrations/prometheus/client";
import { driftScanJob } from "@/server/jobs/drift-scan";
import { durationSeconds } from "@/server/services/monitoring/drift-query";
import { scanDrift } from "@/server/services/monitoring/drift-scan";

/**
 * The window ends when the job was due (whole seconds), not when it happens to run, so a retried job asks the same
 * question and finds its reports already stored instead of writing new ones.
 */
export async function handleDriftScan(db: Db, job: Pick<Job, "data" | "timestamp" | "delay">) {
  const payload = driftScanJob.schema.parse(job.data);
  const windowEnd = new Date(Math.floor((job.timestamp + job.delay) / 1000) * 1000);
  const windowSeconds = payload.windowSeconds ?? durationSeconds(env().DRIFT_WINDOW);
  const results = await scanDrift({ db, prometheus: prometheusFromEnv() }, { windowSeconds, windowEnd });
  return {
    windowEnd: windowEnd.toISOString(),
    reports: results.length,
    alerts: results.filter((r) => r.status === "ALERT").length,
  };
}
