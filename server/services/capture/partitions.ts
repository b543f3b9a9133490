import { Prisma } from "@/server/db/generated/client";
import type { Db } from "@/server/db/client";

const DAY_MS = 86_400_000;
/** Serialises partition DDL between loaders and the retention job (pg_advisory_xact_lock key). */
export const PARTITION_LOCK_KEY = 711_000_001;

/** The UTC day (midnight) a time falls in. */
export const dayOf = (time: Date) => new Date(Math.floor(time.getTime() / DAY_MS) * DAY_MS);

/** `CapturedPrediction_pYYYYMMDD`: the day partition holding `day`'s rows. */
export function partitionName(day: Date): string {
  return `CapturedPrediction_p${day.toISOString().slice(0, 10).replaceAll("-", "")}`;
}

/** The day a partition name stands for, or undefined for a name that is not a day partition's. */
export function partitionDay(name: string): Date | undefined {
  const match = /^CapturedPrediction_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  if (!match) return undefined;
  const day = new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00.000Z`);
  return Number.isNaN(day.getTime()) ? undefined : day;
}

const timestamp = (time: Date) => time.toISOString().replace("T", " ").replace("Z", "");

/**
 * Creates the day partitions of `days` that do not exist yet, each in one short transaction holding the partition
 * lock (two loaders racing both see IF NOT EXISTS after the other's commit, never a half-created table). Answers the
 * partitions it made. Names and bounds come from dates only, never from input text.
 */
export async function ensureDayPartitions(db: Db, days: readonly Date[]): Promise<string[]> {
  const wanted = [...new Set(days.map((d) => dayOf(d).getTime()))].map((ms) => new Date(ms));
  const existing = new Set(await listDayPartitions(db));
  const created: string[] = [];
  for (const day of wanted) {
    const name = partitionName(day);
    if (existing.has(name)) continue;
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`;
      const from = timestamp(day);
      const to = timestamp(new Date(day.getTime() + DAY_MS));
      await tx.$executeRawUnsafe(
        `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF "CapturedPrediction" FOR VALUES FROM ('${from}') TO ('${to}')`,
      );
    });
    created.push(name);
  }
  return created;
}

/** The day partitions attached to CapturedPrediction now. */
export async function listDayPartitions(db: Pick<Db, "$queryRaw">): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ name: string }>>(Prisma.sql`
    SELECT c.relname::text AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = 'CapturedPrediction'`);
  return rows.map((r) => r.name).filter((name) => partitionDay(name) !== undefined);
}
