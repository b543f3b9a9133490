import type { Db } from "@/server/db/client";
import { enqueue } from "@/server/jobs/define-job";
import { deployJob, deployJobId } from "@/server/jobs/deploy";

/** Queues a deployment's job. The job id is derived from the deployment, so queueing twice runs it once. */
export function enqueueDeployment(deploymentId: string) {
  return enqueue(deployJob, { deploymentId }, { jobId: deployJobId(deploymentId) });
}

/**
 * Re-queues deployments that are queued or running in the database: covers a crash between the commit that
 * created a deployment and its enqueue, and jobs lost with a Redis that keeps nothing on disk.
 */
export async function enqueueUnfinishedDeployments(database: Db) {
  const unfinished = await database.deployment.findMany({
    where: { status: { in: ["QUEUED", "RUNNING"] } },
    select: { id: true },
  });
  for (const { id } of unfinished) await enqueueDeployment(id);
  return unfinished.length;
}
