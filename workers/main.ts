import { Worker } from "bullmq";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { enqueue, closeQueues } from "@/server/jobs/define-job";
import { HEALTH_QUEUE, healthCheckJob } from "@/server/jobs/health-check";
import { redisConnection } from "@/server/jobs/redis";
import { handleHealthCheck } from "./handlers/health-check";

// The worker process: one BullMQ Worker per queue. It never runs inside the web server.
const workers = [
  new Worker(
    HEALTH_QUEUE,
    async (job) => handleHealthCheck(db(), healthCheckJob.schema.parse(job.data)),
    { connection: redisConnection(), prefix: env().QUEUE_PREFIX, concurrency: 1 },
  ),
];

for (const worker of workers) {
  worker.on("failed", (job, error) => console.error(`[worker] ${worker.name} job ${job?.id} failed:`, error.message));
}

await enqueue(healthCheckJob, { requestedAt: new Date().toISOString() }, { repeat: { every: 60_000 }, jobId: "health-check" });
console.log(`[worker] started: ${workers.map((w) => w.name).join(", ")}`);

async function shutdown() {
  await Promise.all(workers.map((w) => w.close()));
  await closeQueues();
  await db().$disconnect();
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
