import { Prisma } from "@/server/db/generated/client";
import { refreshPreviews } from "@/server/services/experiments/metric-previews";

export type MetricPointRow = { key: string; step: number; value: number; timestamp: number };

/** Within one batch a later point for the same (key, step) replaces an earlier one, as in the table. */
export function lastPointPerStep(points: MetricPointRow[]): MetricPointRow[] {
  const byKeyAndStep = new Map<string, MetricPointRow>();
  for (const point of points) {
    byKeyAndStep.set(`${point.key}\u0000${point.step}`, point);
  }
  return [...byKeyAndStep.values()];
}

// Statement time, not transaction start: taken after the run lock, so a series' updatedAt never moves back.
const UTC_NOW = Prisma.sql`(clock_timestamp() AT TIME ZONE 'UTC')`;

async function seriesIdsByKey(tx: Prisma.TransactionClient, runId: string, keys: string[]) {
  await tx.$executeRaw(Prisma.sql`
    INSERT INTO "MetricSeries" ("runId", "key", "lastValue", "lastStep", "minValue", "maxValue", "pointCount", "updatedAt")
    SELECT ${runId}, k, 0, 0, 0, 0, 0, ${UTC_NOW} FROM unnest(${keys}::text[]) AS k
    ON CONFLICT ("runId", "key") DO NOTHING`);
  const rows = await tx.$queryRaw<{ id: number; key: string }[]>(Prisma.sql`
    SELECT "id", "key" FROM "MetricSeries" WHERE "runId" = ${runId} AND "key" = ANY(${keys}::text[])`);
  return new Map(rows.map((row) => [row.key, row.id]));
}

/**
 * Upserts the points in one statement and keeps each series' summary right:
 * - series whose batch only adds new steps are updated incrementally (min/max/count/last);
 * - series where a point replaced an existing step are returned, because the replaced value may
 *   have been the minimum or maximum, and are recomputed from their points afterwards.
 * All CTEs read the same snapshot, so `existing` sees the points as they were before the upsert.
 */
async function upsertPoints(tx: Prisma.TransactionClient, seriesIds: number[], points: MetricPointRow[]) {
  const rows = await tx.$queryRaw<{ seriesId: number }[]>(Prisma.sql`
    WITH input AS (
      SELECT * FROM unnest(${seriesIds}::int[], ${points.map((p) => p.step)}::int[],
                           ${points.map((p) => p.value)}::float8[], ${points.map((p) => p.timestamp)}::bigint[])
        AS t("seriesId", "step", "value", "timestamp")
    ),
    existing AS (
      SELECT DISTINCT i."seriesId" FROM input i
      JOIN "MetricPoint" p ON p."seriesId" = i."seriesId" AND p."step" = i."step"
    ),
    batch AS (
      SELECT "seriesId", min("value") AS min_value, max("value") AS max_value, count(*)::int AS point_count,
             max("step") AS last_step, (array_agg("value" ORDER BY "step" DESC))[1] AS last_value
      FROM input GROUP BY "seriesId"
    ),
    upserted AS (
      INSERT INTO "MetricPoint" ("seriesId", "step", "value", "timestamp")
      SELECT "seriesId", "step", "value", "timestamp" FROM input
      ON CONFLICT ("seriesId", "step") DO UPDATE SET "value" = EXCLUDED."value", "timestamp" = EXCLUDED."timestamp"
      RETURNING 1
    ),
    incremental AS (
      UPDATE "MetricSeries" s SET
        "minValue" = CASE WHEN s."pointCount" = 0 THEN b.min_value ELSE LEAST(s."minValue", b.min_value) END,
        "maxValue" = CASE WHEN s."pointCount" = 0 THEN b.max_value ELSE GREATEST(s."maxValue", b.max_value) END,
        "lastStep" = CASE WHEN s."pointCount" = 0 OR b.last_step > s."lastStep" THEN b.last_step ELSE s."lastStep" END,
        "lastValue" = CASE WHEN s."pointCount" = 0 OR b.last_step > s."lastStep" THEN b.last_value ELSE s."lastValue" END,
        "pointCount" = s."pointCount" + b.point_count,
        "updatedAt" = ${UTC_NOW}
      FROM batch b
      WHERE s."id" = b."seriesId" AND b."seriesId" NOT IN (SELECT "seriesId" FROM existing)
      RETURNING s."id"
    )
    SELECT "seriesId" FROM existing`);
  return rows.map((row) => row.seriesId);
}

async function recomputeSeries(tx: Prisma.TransactionClient, seriesIds: number[]) {
  await tx.$executeRaw(Prisma.sql`
    UPDATE "MetricSeries" s SET
      "minValue" = a.min_value, "maxValue" = a.max_value, "pointCount" = a.point_count, "lastStep" = a.last_step,
      "lastValue" = (SELECT p."value" FROM "MetricPoint" p WHERE p."seriesId" = s."id" ORDER BY p."step" DESC LIMIT 1),
      "updatedAt" = ${UTC_NOW}
    FROM (
      SELECT "seriesId", min("value") AS min_value, max("value") AS max_value, count(*)::int AS point_count,
             max("step") AS last_step
      FROM "MetricPoint" WHERE "seriesId" = ANY(${seriesIds}::int[]) GROUP BY "seriesId"
    ) a
    WHERE s."id" = a."seriesId"`);
}

/** Writes deduplicated points for one run and updates the series summaries and previews. Returns the keys touched. */
export async function writeMetricPoints(tx: Prisma.TransactionClient, runId: string, points: MetricPointRow[]) {
  if (points.length === 0) return [];
  const keys = [...new Set(points.map((p) => p.key))].sort();
  const idByKey = await seriesIdsByKey(tx, runId, keys);
  const seriesIds = points.map((p) => {
    const id = idByKey.get(p.key);
    if (id === undefined) throw new Error(`Metric series for "${p.key}" was not created`);
    return id;
  });
  const replaced = await upsertPoints(tx, seriesIds, points);
  if (replaced.length > 0) await recomputeSeries(tx, replaced);
  await refreshPreviews(tx, [...idByKey.values()]);
  return keys;
}
