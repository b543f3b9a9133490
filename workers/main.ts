import { systemContextFromEnv } from "@/server/context-from-env";
import { env } from "@/server/env";
import { refuseUnsafeProduction } from "@/server/production-safety";
import { closeQueues, queueFor, requestIdOfJob, scheduleJob } from "@/server/jobs/define-job";
import { deployJob } from "@/server/jobs/deploy";
import { ensureDefaultPrices } from "@/server/services/cost/default-prices";
import { enqueueUnfinishedDeployments } from "@/server/services/deployments/enqueue-deployments";
import { enqueueActiveBatchJobs } from "@/server/services/batch/batch-jobs";
import { enqueueActiveInvocations } from "@/server/services/async-inference/invocations";
import { randomUUID } from "node:crypto";
import os from "node:os";
import { RedisConnection } from "bullmq";
import { redisConnection } from "@/server/jobs/redis";
import { deploymentRuntime } from "@/server/jobs/handlers/deployment-runtime";
import { isInstanceCountSource } from "@/server/integrations/targets/instance-counts";
import { DeploymentFailure } from "@/server/services/deployments/deployment-steps";
import { readTargetInstances, type RemoteTargetKind } from "@/server/services/cost/target-instances";
import { LeaderLease, startLeaderElection } from "@/workers/leader-election";
import { exportClusterGauges, exportTargetInstances, instrumentWorkers, serveWorkerMetrics } from "@/workers/metrics";
import { TargetInstanceExport } from "@/workers/target-instance-export";
import { restoreOnReconnect } from "@/workers/redis-recovery";
import { startWorkers } from "@/workers/start-workers";
import { startCaptureLoader } from "@/workers/capture-loader";
import { exportAsyncBacklog } from "@/workers/async-backlog";
import { WORKER_JOBS as JOBS } from "@/workers/jobs";
import { configureLogging, log } from "@/server/logging/logger";
import { tolerateLostSessionRollbacks } from "@/server/db/lost-session";

// The worker process: one BullMQ Worker per job. It never runs inside the web server.
configureLogging({ kind: "worker" });
tolerateLostSessionRollbacks((message) => log().warn(`[worker] ${message}`));
refuseUnsafeProduction("worker");
const context = systemContextFromEnv();
// Every instance type a target runs an unsized variant on has a price (an admin's edits are kept).
await ensureDefaultPrices(context);
const workers = startWorkers(JOBS, context);

instrumentWorkers(workers);
// The capture loader: the runtime's capture stream → CapturedPrediction (a Redis consumer group, not a BullMQ job).
const stopCaptureLoader = env().CAPTURE_LOADER ? startCaptureLoader(context.db, env()) : async () => {};
exportAsyncBacklog(context.db);
const metrics = await serveWorkerMetrics(env().WORKER_METRICS_PORT, env().WORKER_METRICS_HOST);

// Instance counts for cost, queue depths and the capture backlog describe the whole cluster: one worker process
// exports them, the lease holder (the lease key predates the queue and backlog gauges; it is kept so that workers of
// two releases never both lead during a rolling upgrade).
const targets = deploymentRuntime(context).target;
/** The target's instance reader; undefined when the target is not configured here. */
function instanceSource(kind: RemoteTargetKind) {
  try {
    const target = targets(kind);
    return isInstanceCountSource(target) ? target : undefined;
  } catch (error) {
    if (error instanceof DeploymentFailure) return undefined;
    throw error;
  }
}
const leaseConnection = new RedisConnection(redisConnection());
const lease = new LeaderLease(await leaseConnection.client, {
  key: `${env().QUEUE_PREFIX}:leader:target-instances`,
  owner: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  ttlMs: env().WORKER_LEADER_LEASE_MS,
});
const instanceExport = new TargetInstanceExport(lease, () => readTargetInstances(context, instanceSource), {
  everyMs: env().TARGET_INSTANCES_EVERY_MS,
});
exportTargetInstances(() => instanceExport.current());
exportClusterGauges(() => lease.isLeader());
const stopInstanceExport = instanceExport.start();
const election = startLeaderElection(lease, {
  ttlMs: env().WORKER_LEADER_LEASE_MS,
  onChange: (leader) => {
    log().info(
      `[worker] ${leader ? "now exports" : "no longer exports"} the cluster gauges: target instances, queue depths, capture backlog (leader lease)`,
    );
    if (leader)
      instanceExport
        .refresh()
        .catch((error: unknown) => log().error({ err: error }, "[worker] reading target instances failed"));
  },
});

for (const worker of workers) {
  worker.on("failed", (job, error) =>
    log().error({ requestId: requestIdOfJob(job), err: error }, `[worker] ${worker.name} job ${job?.id} failed`),
  );
}

/**
 * Schedules the repeatable jobs and re-queues unfinished deployments, batch jobs, async invocations and webhook
 * deliveries whose queue entries are gone: at
 * start and whenever Redis comes back.
 */
async function restoreJobs() {
  for (const job of JOBS) if (job.schedule) await scheduleJob(job);
  const deployments = await enqueueUnfinishedDeployments(context.db);
  const batchJobs = await enqueueActiveBatchJobs(context.db);
  const asyncWork = await enqueueActiveInvocations(context.db);
  return { deployments, batchJobs, asyncWork };
}
const requeued = await restoreJobs();
restoreOnReconnect(await queueFor(deployJob.queue).client, restoreJobs);
log().info(
  `[worker] started: ${workers.map((w) => w.name).join(", ")}; ${requeued.deployments} unfinished deployment(s), ${requeued.batchJobs} batch job(s), ${requeued.asyncWork.invocations} async invocation(s) and ${requeued.asyncWork.deliveries} webhook(s) queued; metrics on ${env().WORKER_METRICS_HOST}:${metrics.port}/metrics`,
);

async function shutdown() {
  stopInstanceExport();
  await stopCaptureLoader();
  await election.stop();
  await leaseConnection.close();
  await Promise.all(workers.map((w) => w.close()));
  metrics.server.close();
  await closeQueues();
  await context.db.$disconnect();
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
