import { Worker } from "bullmq";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { enqueue, closeQueues, queueFor } from "@/server/jobs/define-job";
import { HEALTH_QUEUE, healthCheckJob } from "@/server/jobs/health-check";
import { COST_QUEUE, COST_ROLLUP_EVERY_MS, costRollupJob } from "@/server/jobs/cost-rollup";
import { prometheusFromEnv } from "@/server/integrations/prometheus/client";
import { redisConnection } from "@/server/jobs/redis";
import { DEPLOYMENTS_QUEUE, deployJob } from "@/server/jobs/deploy";
import { DRIFT_QUEUE, scheduleDriftScans } from "@/server/jobs/drift-scan";
import { enqueueUnfinishedDeployments } from "@/server/services/deployments/enqueue-deployments";
import { handleCostRollup } from "@/workers/handlers/cost-rollup";
import { handleDeploy } from "@/workers/handlers/deploy";
import { handleDriftScan } from "@/workers/handlers/drift-scan";
import { handleHealthCheck } from "@/workers/handlers/health-check";
import { instrumentWorkers, serveWorkerMetrics } from "@/workers/metrics";
import { restoreOnReconnect, singleFlight } from "@/workers/redis-recovery";

// The worker process: one BullMQ Worker per queue. It never runs inside the web server.
const deployOnce = singleFlight<Awaited<ReturnType<typeof handleDeploy>>>();
const workers = [
  new Worker(HEALTH_QUEUE, async (job) => handleHealthCheck(db(), healthCheckJob.schema.parse(job.data)), {
    connection: redisConnection(),
    prefix: env().QUEUE_PREFIX,
    concurrency: 1,
  }),
  new Worker(
    DEPLOYMENTS_QUEUE,
    async (job) => deployOnce(deployJob.schema.parse(job.data).deploymentId, () => handleDeploy(db(), job)),
    {
      connection: redisConnection(),
      prefix: env().QUEUE_PREFIX,
      concurrency: 4,
      // A bake can last minutes; the lock is renewed while the handler runs, and a crashed worker's job is
      // picked up again once the lock lapses and the stalled-job check sees it.
      lockDuration: env().WORKER_LOCK_DURATION_MS,
      stalledInterval: env().WORKER_STALLED_INTERVAL_MS,
    },
  ),
  new Worker(DRIFT_QUEUE, async (job) => handleDriftScan(db(), job), {
    connection: redisConnection(),
    prefix: env().QUEUE_PREFIX,
    concurrency: 1,
  }),
  new Worker(COST_QUEUE, async () => handleCostRollup(db(), prometheusFromEnv()), {
    connection: redisConnection(),
    prefix: env().QUEUE_PREFIX,
    concurrency: 1,
  }),
];

instrumentWorkers(workers);
const metrics = await serveWorkerMetrics(env().WORKER_METRICS_PORT);

for (const worker of workers) {
  worker.on("failed", (job, error) => console.error(`[worker] ${worker.name} job ${job?.id} failed:`, error.message));
}

/** Schedules the health check and re-queues unfinished deployments: at start and whenever Redis comes back. */
async function restoreJobs() {
  await enqueue(
    healthCheckJob,
    { requestedAt: new Date().toISOString() },
    { repeat: { every: 60_000 }, jobId: "health-check" },
  );
  await enqueue(costRollupJob, {}, { repeat: { every: COST_ROLLUP_EVERY_MS }, jobId: "cost-rollup" });
  await scheduleDriftScans();
  return enqueueUnfinishedDeployments(db());
}
const requeued = await restoreJobs();
restoreOnReconnect(await queueFor(DEPLOYMENTS_QUEUE).client, restoreJobs);
console.log(
  `[worker] started: ${workers.map((w) => w.name).join(", ")}; ${requeued} unfinished deployment(s) queued; metrics on 127.0.0.1:${metrics.port}/metrics`,
);

async function shutdown() {
  await Promise.all(workers.map((w) => w.close()));
  metrics.server.close();
  await closeQueues();
  await db().$disconnect();
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
