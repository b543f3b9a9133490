import { Prisma } from "@/server/db/generated/client";
import type { SystemContext } from "@/server/services/context";
import { keptPredicate } from "@/server/services/capture/kept";
import { rollUpCapturedDay } from "@/server/services/quality/captured-rollup";
import { listDayPartitions, partitionDay, PARTITION_LOCK_KEY } from "@/server/services/capture/partitions";

const DAY_MS = 86_400_000;
/** Endpoint.captureRetentionDays' default: rows of deleted endpoints (or none) are kept this long. */
export const DEFAULT_RETENTION_DAYS = 30;

const COLUMNS = Prisma.raw(
  [
    "id",
    "predictedAt",
    "requestId",
    "rowIndex",
    "endpointId",
    "endpointName",
    "variantName",
    "modelName",
    "modelVersion",
    "versionId",
    "correlationId",
    "inputs",
    "outputs",
    "score",
    "latencyMs",
    "captureProbability",
    "source",
    "mirrorOf",
    "loadedAt",
  ]
    .map((c) => `"${c}"`)
    .join(", "),
);

export type RetentionResult = { droppedPartitions: string[]; retainedRows: number; deletedRows: number };

/**
 * Capture retention. Invariants: a row something refers to (the kept predicate) is never lost — it stays in place
 * while its partition lives and is copied to CapturedPredictionRetained in the same transaction that drops the
 * partition; a row is deleted only once past its endpoint's retention; a partition is dropped only when every row in
 * it is past the longest retention of any endpoint.
 */
export async function applyCaptureRetention(ctx: Pick<SystemContext, "db" | "clock">): Promise<RetentionResult> {
  const now = ctx.clock().getTime();
  const endpoints = await ctx.db.endpoint.findMany({ select: { id: true, captureRetentionDays: true } });
  const longest = Math.max(DEFAULT_RETENTION_DAYS, ...endpoints.map((e) => e.captureRetentionDays));
  const result: RetentionResult = { droppedPartitions: [], retainedRows: 0, deletedRows: 0 };
  const partitions = await listDayPartitions(ctx.db);
  await rollUpFinishedDays(ctx, partitions, now);
  for (const name of partitions) {
    const day = partitionDay(name)!;
    if (day.getTime() + DAY_MS > now - longest * DAY_MS) continue;
    result.retainedRows += await dropPartition(ctx, name);
    result.droppedPartitions.push(name);
  }
  for (const endpoint of endpoints) {
    const cutoff = new Date(now - endpoint.captureRetentionDays * DAY_MS);
    result.deletedRows += await ctx.db.$executeRaw`
      DELETE FROM "CapturedPrediction" p
      WHERE p."endpointId" = ${endpoint.id} AND p."predictedAt" < ${cutoff} AND NOT ${keptPredicate("p")}`;
  }
  const orphanCutoff = new Date(now - DEFAULT_RETENTION_DAYS * DAY_MS);
  result.deletedRows += await ctx.db.$executeRaw`
    DELETE FROM "CapturedPrediction" p
    WHERE p."predictedAt" < ${orphanCutoff} AND NOT ${keptPredicate("p")}
      AND (p."endpointId" IS NULL OR NOT EXISTS (SELECT 1 FROM "Endpoint" e WHERE e."id" = p."endpointId"))`;
  return result;
}

/**
 * Counts each finished day's captured rows per endpoint and variant once (CapturedDailyCount), before any of its rows
 * can be deleted, so the Quality view's unknown-outcome share survives retention.
 */
async function rollUpFinishedDays(ctx: Pick<SystemContext, "db">, partitions: string[], now: number) {
  const rolledUp = await ctx.db.capturedDayRollup.findMany({ select: { day: true } });
  const done = new Set(rolledUp.map((row) => row.day.toISOString().slice(0, 10)));
  for (const name of partitions) {
    const day = partitionDay(name)!;
    const key = day.toISOString().slice(0, 10);
    if (day.getTime() + DAY_MS <= now && !done.has(key)) await rollUpCapturedDay(ctx, key);
  }
}

/** Copies the partition's kept rows to CapturedPredictionRetained and drops it, in one transaction. */
async function dropPartition(ctx: Pick<SystemContext, "db">, name: string): Promise<number> {
  const table = Prisma.raw(`"${name}"`);
  return ctx.db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`;
    const exists = await tx.$queryRaw<
      Array<{ found: boolean }>
    >`SELECT to_regclass(${`"${name}"`}) IS NOT NULL AS found`;
    if (!exists[0]?.found) return 0;
    const retained = await tx.$executeRaw`
      INSERT INTO "CapturedPredictionRetained" (${COLUMNS})
      SELECT ${COLUMNS} FROM ${table} p WHERE ${keptPredicate("p")}
      ON CONFLICT DO NOTHING`;
    await tx.$executeRaw`ALTER TABLE "CapturedPrediction" DETACH PARTITION ${table}`;
    await tx.$executeRaw`DROP TABLE ${table}`;
    return retained;
  });
}
