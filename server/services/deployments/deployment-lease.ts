import type { Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";
import { DEPLOYMENT_WORKER_STATUSES, isWorkerDeploymentStatus } from "@/contracts/enums";

/** Who runs deployments in this process, and how long a lease lasts unless renewed. */
export type LeaseSettings = { owner: string; ttlMs: number; pollMs?: number };

/** This process no longer holds the deployment: its lease lapsed and another worker took it, or it was cancelled. */
export class LeaseLost extends Error {
  constructor(deploymentId: string) {
    super(`Deployment ${deploymentId} is no longer leased to this worker`);
    this.name = "LeaseLost";
  }
}

/**
 * Renews the lease, or throws LeaseLost; called before each step starts and before its outcome is recorded. Given a
 * transaction, the renewal runs in it and keeps the deployment's row locked until it commits, so the writes that
 * follow in that transaction land only while this worker holds the lease: a worker that lost it (frozen, then
 * resumed after another took over) can never record anything.
 */
export type Fence = (tx?: Prisma.TransactionClient) => Promise<void>;

export type Lease = {
  fence: Fence;
  /** Aborted once a renewal finds the lease gone, so long waits (a bake) stop early. */
  signal: AbortSignal;
  release: () => Promise<void>;
};

const IN_PROGRESS = `(${DEPLOYMENT_WORKER_STATUSES.map((status) => `'${status}'`).join(", ")})`;

/**
 * Takes the deployment's lease when it is free, lapsed or already ours (compare-and-set on the row, with the
 * database's clock so that workers' clocks do not matter). Only in-progress deployments can be leased.
 */
async function tryAcquire(database: Db, deploymentId: string, settings: LeaseSettings): Promise<boolean> {
  const taken = await database.$executeRawUnsafe(
    `UPDATE "Deployment" SET "leaseOwner" = $1, "leaseExpiresAt" = now() + ($2 || ' milliseconds')::interval
     WHERE id = $3 AND status IN ${IN_PROGRESS}
       AND ("leaseOwner" IS NULL OR "leaseOwner" = $1 OR "leaseExpiresAt" < now())`,
    settings.owner,
    String(settings.ttlMs),
    deploymentId,
  );
  return taken === 1;
}

async function renew(
  database: Db | Prisma.TransactionClient,
  deploymentId: string,
  settings: LeaseSettings,
): Promise<boolean> {
  const renewed = await database.$executeRawUnsafe(
    `UPDATE "Deployment" SET "leaseExpiresAt" = now() + ($1 || ' milliseconds')::interval
     WHERE id = $2 AND "leaseOwner" = $3 AND status IN ${IN_PROGRESS}`,
    String(settings.ttlMs),
    deploymentId,
    settings.owner,
  );
  return renewed === 1;
}

/**
 * Holds a deployment for this worker process while it runs steps, so that any number of workers run each step at
 * most once: a second worker (a job re-queued after Redis lost it) waits until the holder finishes or its lease
 * lapses (it crashed), then takes over from the last finished step. Answers null when the deployment is no longer in
 * progress. The lease is renewed in the background and at every step boundary.
 */
export async function acquireLease(
  database: Db,
  deploymentId: string,
  settings: LeaseSettings,
  sleep: (ms: number) => Promise<void>,
): Promise<Lease | null> {
  for (;;) {
    if (await tryAcquire(database, deploymentId, settings)) break;
    const row = await database.deployment.findUnique({ where: { id: deploymentId }, select: { status: true } });
    if (!row || !isWorkerDeploymentStatus(row.status)) return null;
    await sleep(settings.pollMs ?? Math.max(100, Math.floor(settings.ttlMs / 3)));
  }
  const lost = new AbortController();
  const fence: Fence = async (tx) => {
    if (lost.signal.aborted || !(await renew(tx ?? database, deploymentId, settings))) {
      lost.abort(new LeaseLost(deploymentId));
      throw new LeaseLost(deploymentId);
    }
  };
  const heartbeat = setInterval(
    () => {
      fence().catch(() => undefined);
    },
    Math.max(50, Math.floor(settings.ttlMs / 3)),
  );
  heartbeat.unref();
  return {
    fence,
    signal: lost.signal,
    release: async () => {
      clearInterval(heartbeat);
      await database.deployment.updateMany({
        where: { id: deploymentId, leaseOwner: settings.owner },
        data: { leaseOwner: null, leaseExpiresAt: null },
      });
    },
  };
}
