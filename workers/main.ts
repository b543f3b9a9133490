import { Worker } from "bullmq";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { enqueue, closeQueues } from "@/server/jobs/define-job";
import { HEALTH_QUEUE, healthCheckJob } from "@/server/jobs/health-check";
import { redisConnection } from "@/server/jobs/redis";
import { DEPLOYMENTS_QUEUE } from "@/server/jobs/deploy";
import { enqueueUnfinishedDeployments } from "@/server/services/deployments/enqueue-deployments";
import { handleDeploy } from "./handlers/deploy";
import { handleHealthCheck } from "./handlers/health-check";

// The worker process: one BullMQ Worker per queue. It never runs inside the web server.
const workers = [
  new Worker(
    HEALTH_QUEUE,
    async (job) => handleHealthCheck(db(), healthCheckJob.schema.parse(job.data)),
    { connection: redisConnection(), prefix: env().QUEUE_PREFIX, concurrency: 1 },
  ),
  new Worker(DEPLOYMENTS_QUEUE, async (job) => handleDeploy(db(), job), {
    connection: redisConnection(),
    prefix: env().QUEUE_PREFIX,
    concurrency: 4,
    // A bake can last minutes; the lock is renewed while the handler runs, and a crashed worker's job is
    // picked up again once the lock lapses and the stalled-job check sees it.
    lockDuration: env().WORKER_LOCK_DURATION_MS,
    stalledInterval: env().WORKER_STALLED_INTERVAL_MS,
  }),
];

for (const worker of workers) {
  worker.on("failed", (job, error) => console.error(`[worker] ${worker.name} job ${job?.id} failed:`, error.message));
}

await enqueue(healthCheckJob, { requestedAt: new Date().toISOString() }, { repeat: { every: 60_000 }, jobId: "health-check" });
const requeued = await enqueueUnfinishedDeployments(db());
console.log(`[worker] started: ${workers.map((w) => w.name).join(", ")}; ${requeued} unfinished deployment(s) queued`);

async function shutdown() {
  await Promise.all(workers.map((w) => w.close()));
  await closeQueues();
  await db().$disconnect();
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
