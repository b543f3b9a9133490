import { systemContextFromEnv } from "@/server/context-from-env";
import { env } from "@/server/env";
import { closeQueues, queueFor, scheduleJob, type WorkerJob } from "@/server/jobs/define-job";
import { costForecastJob } from "@/server/jobs/cost-forecast";
import { deployJob } from "@/server/jobs/deploy";
import { driftScanJob } from "@/server/jobs/drift-scan";
import { healthCheckJob } from "@/server/jobs/health-check";
import { sloCheckJob } from "@/server/jobs/slo-check";
import { ensureDefaultPrices } from "@/server/services/cost/default-prices";
import { enqueueUnfinishedDeployments } from "@/server/services/deployments/enqueue-deployments";
import { instrumentWorkers, serveWorkerMetrics } from "@/workers/metrics";
import { restoreOnReconnect } from "@/workers/redis-recovery";
import { startWorkers } from "@/workers/start-workers";

// The worker process: one BullMQ Worker per job. It never runs inside the web server.
const JOBS: readonly WorkerJob[] = [healthCheckJob, deployJob, driftScanJob, costForecastJob, sloCheckJob];
const context = systemContextFromEnv();
// Every instance type a target runs an unsized variant on has a price (an admin's edits are kept).
await ensureDefaultPrices(context);
const workers = startWorkers(JOBS, context);

instrumentWorkers(workers);
const metrics = await serveWorkerMetrics(env().WORKER_METRICS_PORT);

for (const worker of workers) {
  worker.on("failed", (job, error) => console.error(`[worker] ${worker.name} job ${job?.id} failed:`, error.message));
}

/** Schedules the repeatable jobs and re-queues unfinished deployments: at start and whenever Redis comes back. */
async function restoreJobs() {
  for (const job of JOBS) if (job.schedule) await scheduleJob(job);
  return enqueueUnfinishedDeployments(context.db);
}
const requeued = await restoreJobs();
restoreOnReconnect(await queueFor(deployJob.queue).client, restoreJobs);
console.log(
  `[worker] started: ${workers.map((w) => w.name).join(", ")}; ${requeued} unfinished deployment(s) queued; metrics on 127.0.0.1:${metrics.port}/metrics`,
);

async function shutdown() {
  await Promise.all(workers.map((w) => w.close()));
  metrics.server.close();
  await closeQueues();
  await context.db.$disconnect();
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
