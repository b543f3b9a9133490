import type { Db } from "@/server/db/client";
import { DEPLOYMENT_WORKER_STATUSES, isWorkerDeploymentStatus } from "@/contracts/enums";
import { acquireRowLease, type Lease, type LeaseSettings } from "@/server/db/row-lease";

export { LeaseLost, type Fence, type Lease, type LeaseSettings } from "@/server/db/row-lease";

const IN_PROGRESS = `status IN (${DEPLOYMENT_WORKER_STATUSES.map((status) => `'${status}'`).join(", ")})`;

/**
 * Holds a deployment for this worker process while it runs steps, so that any number of workers run each step at
 * most once: a second worker (a job re-queued after Redis lost it) waits until the holder finishes or its lease
 * lapses (it crashed), then takes over from the last finished step. Answers null when the deployment is no longer in
 * progress. Only in-progress deployments can be leased.
 */
export function acquireLease(
  database: Db,
  deploymentId: string,
  settings: LeaseSettings,
  sleep: (ms: number) => Promise<void>,
): Promise<Lease | null> {
  return acquireRowLease(
    database,
    { table: "Deployment", id: deploymentId, label: `Deployment ${deploymentId}`, active: IN_PROGRESS },
    settings,
    sleep,
    async () => {
      const row = await database.deployment.findUnique({ where: { id: deploymentId }, select: { status: true } });
      return row !== null && isWorkerDeploymentStatus(row.status);
    },
  );
}
