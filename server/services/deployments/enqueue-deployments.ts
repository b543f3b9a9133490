import type { Db } from "@/server/db/client";
import { DEPLOYMENT_WORKER_STATUSES } from "@/contracts/enums";
import { enqueue, queueFor } from "@/server/jobs/define-job";
import { deployJob, deployJobId } from "@/server/jobs/deploy";

/** Queues a deployment's job. The job id is derived from the deployment, so queueing twice runs it once. */
export function enqueueDeployment(deploymentId: string) {
  return enqueue(deployJob, { deploymentId }, { jobId: deployJobId(deploymentId) });
}

/**
 * Re-queues deployments that are queued, running or rolling back in the database: covers a crash between the commit
 * that created a deployment and its enqueue, jobs lost with a Redis that keeps nothing on disk, and a job that ended
 * (its last attempt failed on a database outage) while its deployment is still in progress. Such an ended job is
 * removed first, because BullMQ ignores a new job whose id it still keeps. The deployment's lease makes a job that
 * runs beside another one wait rather than repeat a step.
 */
export async function enqueueUnfinishedDeployments(database: Db) {
  const unfinished = await database.deployment.findMany({
    where: { status: { in: [...DEPLOYMENT_WORKER_STATUSES] } },
    select: { id: true },
  });
  for (const { id } of unfinished) await requeueDeployment(id);
  return unfinished.length;
}

/** Queues the deployment's job again, removing first a job of that id that has ended (BullMQ would ignore the add). */
export async function requeueDeployment(deploymentId: string) {
  const ended = await queueFor(deployJob.queue).getJob(deployJobId(deploymentId));
  if (ended && ((await ended.isCompleted()) || (await ended.isFailed()))) await ended.remove();
  await enqueueDeployment(deploymentId);
}
