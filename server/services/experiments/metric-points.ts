import { Prisma } from "@/server/db/generated/client";
import { mergePreviews, refreshPreviews, type AddedPoints } from "@/server/services/experiments/metric-previews";

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
 * Upserts the points in one statement and keeps each series' summary right. Values go as text: the driver sends a
 * number parameter with 15 significant digits, while JS's own text form parses back to exactly the same double (and
 * previews merged in JS must hold the values as stored).
 * - series whose batch only adds new steps are updated incrementally (min/max/count/last);
 * - series where a point replaced an existing step are returned, because the replaced value may
 *   have been the minimum or maximum, and are recomputed from their points afterwards.
 * All CTEs read the same snapshot, so `existing` sees the points as they were before the upsert.
 */
async function upsertPoints(tx: Prisma.TransactionClient, seriesIds: number[], points: MetricPointRow[]) {
  const rows = await tx.$queryRaw<{ seriesId: number }[]>(Prisma.sql`
    WITH input AS (
      SELECT * FROM unnest(${seriesIds}::int[], ${points.map((p) => p.step)}::int[],
                           ${points.map((p) => String(p.value))}::text[]::float8[],
                           ${points.map((p) => p.timestamp)}::bigint[])
        AS t("seriesId", "step", "value", "timestamp")
    ),
    -- Only a step at or before a series' last one can exist already: appended points skip the index probe.
    behind AS MATERIALIZED (
      SELECT i."seriesId", i."step" FROM input i
      JOIN "MetricSeries" s ON s."id" = i."seriesId"
      WHERE s."pointCount" > 0 AND i."step" <= s."lastStep"
    ),
    existing AS (
      SELECT DISTINCT b."seriesId" FROM behind b
      JOIN "MetricPoint" p ON p."seriesId" = b."seriesId" AND p."step" = b."step"
    ),
    batch AS (
      SELECT "seriesId", min("value") AS min_value, max("value") AS max_value, count(*)::int AS point_count,
             max("step") AS last_step, (array_agg("value" ORDER BY "step" DESC))[1] AS last_value
      FROM input GROUP BY "seriesId"
    ),
    -- Points past their series' last step are plain inserts; the others may replace a value.
    appended AS (
      INSERT INTO "MetricPoint" ("seriesId", "step", "value", "timestamp")
      SELECT i."seriesId", i."step", i."value", i."timestamp" FROM input i
      WHERE NOT EXISTS (SELECT 1 FROM behind b WHERE b."seriesId" = i."seriesId" AND b."step" = i."step")
      RETURNING 1
    ),
    upserted AS (
      INSERT INTO "MetricPoint" ("seriesId", "step", "value", "timestamp")
      SELECT i."seriesId", i."step", i."value", i."timestamp" FROM input i
      JOIN behind b ON b."seriesId" = i."seriesId" AND b."step" = i."step"
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
  const added = addedPoints(seriesIds, points, new Set(replaced));
  const recompute = await mergePreviews(tx, added);
  await refreshPreviews(tx, [...replaced, ...recompute]);
  return keys;
}

/** The points of each series that only gained points, in step order (a series with a replaced value is left out). */
function addedPoints(seriesIds: number[], points: MetricPointRow[], replaced: Set<number>): AddedPoints[] {
  const bySeries = new Map<number, { step: number; value: number }[]>();
  points.forEach((point, i) => {
    const seriesId = seriesIds[i] ?? 0;
    if (replaced.has(seriesId)) return;
    const list = bySeries.get(seriesId) ?? [];
    list.push(point);
    bySeries.set(seriesId, list);
  });
  return [...bySeries].map(([seriesId, list]) => {
    list.sort((a, b) => a.step - b.step);
    return {
      seriesId,
      columns: { steps: Int32Array.from(list, (p) => p.step), values: Float64Array.from(list, (p) => p.value) },
    };
  });
}
