import type { Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";

/** Who holds leases in this process, and how long a lease lasts unless renewed. */
export type LeaseSettings = { owner: string; ttlMs: number; pollMs?: number };

/** This process no longer holds the row: its lease lapsed and another worker took it, or the work was called off. */
export class LeaseLost extends Error {
  constructor(what: string) {
    super(`${what} is no longer leased to this worker`);
    this.name = "LeaseLost";
  }
}

/**
 * Renews the lease, or throws LeaseLost; called before each step starts and before its outcome is recorded. Given a
 * transaction, the renewal runs in it and keeps the row locked until it commits, so the writes that follow in that
 * transaction land only while this worker holds the lease: a worker that lost it (frozen, then resumed after another
 * took over) can never record anything.
 */
export type Fence = (tx?: Prisma.TransactionClient) => Promise<void>;

export type Lease = {
  fence: Fence;
  /** Aborted once a renewal finds the lease gone, so long waits stop early. */
  signal: AbortSignal;
  release: () => Promise<void>;
};

/**
 * A leasable row: its table (with `leaseOwner` and `leaseExpiresAt` columns), what it is called in messages, and the
 * SQL condition under which it still has work to lease (a fixed string of our own, never caller input).
 */
export type LeasedRow = {
  table: "Deployment" | "AbTest" | "BatchJob" | "AsyncInvocation";
  id: string;
  label: string;
  active: string;
};

/**
 * Takes the row's lease when it is free, lapsed or already ours (compare-and-set with the database's clock, so that
 * workers' clocks do not matter). Only rows with work left can be leased.
 */
async function tryAcquire(database: Db, row: LeasedRow, settings: LeaseSettings): Promise<boolean> {
  const taken = await database.$executeRawUnsafe(
    `UPDATE "${row.table}" SET "leaseOwner" = $1, "leaseExpiresAt" = now() + ($2 || ' milliseconds')::interval
     WHERE id = $3 AND (${row.active})
       AND ("leaseOwner" IS NULL OR "leaseOwner" = $1 OR "leaseExpiresAt" < now())`,
    settings.owner,
    String(settings.ttlMs),
    row.id,
  );
  return taken === 1;
}

async function renew(database: Db | Prisma.TransactionClient, row: LeasedRow, settings: LeaseSettings) {
  const renewed = await database.$executeRawUnsafe(
    `UPDATE "${row.table}" SET "leaseExpiresAt" = now() + ($1 || ' milliseconds')::interval
     WHERE id = $2 AND "leaseOwner" = $3 AND (${row.active})`,
    String(settings.ttlMs),
    row.id,
    settings.owner,
  );
  return renewed === 1;
}

/**
 * Holds a row for this worker process while it works on it, so that any number of workers do each step at most once:
 * a second worker waits until the holder finishes or its lease lapses (it crashed), then takes over. Answers null once
 * `stillActive` says there is no work left. The lease is renewed in the background and at every fence.
 */
export async function acquireRowLease(
  database: Db,
  row: LeasedRow,
  settings: LeaseSettings,
  sleep: (ms: number) => Promise<void>,
  stillActive: () => Promise<boolean>,
): Promise<Lease | null> {
  for (;;) {
    if (await tryAcquire(database, row, settings)) break;
    if (!(await stillActive())) return null;
    await sleep(settings.pollMs ?? Math.max(100, Math.floor(settings.ttlMs / 3)));
  }
  const lost = new AbortController();
  const fence: Fence = async (tx) => {
    if (lost.signal.aborted || !(await renew(tx ?? database, row, settings))) {
      lost.abort(new LeaseLost(row.label));
      throw new LeaseLost(row.label);
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
      await database.$executeRawUnsafe(
        `UPDATE "${row.table}" SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL WHERE id = $1 AND "leaseOwner" = $2`,
        row.id,
        settings.owner,
      );
    },
  };
}
