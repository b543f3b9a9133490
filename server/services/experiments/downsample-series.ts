import { Prisma } from "../../db/generated/client";
import type { ReadContext } from "../context";
import { DownsampleCache, seriesVersion } from "./downsample-cache";

export type CurvePoint = { step: number; value: number };

/** Buckets per series: each keeps at most two points, plus the first and last point of the series. */
export function bucketCount(maxPoints: number): number {
  return Math.max(1, Math.floor((maxPoints - 2) / 2));
}

type SeriesMeta = {
  id: number;
  runId: string;
  key: string;
  pointCount: number;
  lastStep: number;
  lastValue: number;
  minValue: number;
  maxValue: number;
  updatedAt: Date;
};

// Enough for a few full 200-run comparisons at the default resolution (~20 bytes per cached point).
const cache = new DownsampleCache(3_000_000);

type Tx = Prisma.TransactionClient;

async function seriesMetas(tx: Tx, runIds: string[], keys: string[]): Promise<SeriesMeta[]> {
  return tx.$queryRaw<SeriesMeta[]>(Prisma.sql`
    SELECT s."id", s."runId", s."key", s."pointCount", s."lastStep", s."lastValue", s."minValue", s."maxValue", s."updatedAt"
    FROM "MetricSeries" s
    WHERE s."runId" = ANY(${runIds}::text[]) AND s."key" = ANY(${keys}::text[]) AND s."pointCount" > 0`);
}

/**
 * Downsampling is min/max bucketing by step range, in SQL, one query for all series: a series with more
 * than `maxPoints` points has its interior cut into `bucketCount(maxPoints)` equal step ranges, each
 * keeping its lowest and its highest point, so spikes survive (LTTB would smooth them away). The first
 * and last points are buckets of their own, so they are always kept. Shorter series come back whole.
 * Each bucket's one or two points are emitted in step order as "step:value" text, which is much cheaper
 * to transfer and decode than float8[] arrays or JSON.
 */
async function downsample(tx: Tx, series: SeriesMeta[], maxPoints: number): Promise<Map<number, CurvePoint[]>> {
  const buckets = bucketCount(maxPoints);
  // The bucket hash table for ~1M points needs ~80 MB; the 4 MB default would spill to disk.
  await tx.$executeRaw(Prisma.raw("SET LOCAL work_mem = '128MB'"));
  const rows = await tx.$queryRaw<{ id: number; points: string }[]>(Prisma.sql`
    WITH bounds AS MATERIALIZED (
      SELECT t.*, (SELECT p."step" FROM "MetricPoint" p WHERE p."seriesId" = t."id" ORDER BY p."step" LIMIT 1) AS first_step
      FROM unnest(${series.map((s) => s.id)}::int[], ${series.map((s) => s.lastStep)}::int[],
                  ${series.map((s) => s.pointCount <= maxPoints)}::boolean[]) AS t("id", last_step, whole)
    ),
    extremes AS (
      -- Arrays compare element-wise: min([value, step]) is the lowest value (earliest step on ties),
      -- max([value, -step]) the highest (earliest step on ties).
      SELECT b."id",
             CASE WHEN b.whole THEN p."step"::bigint
                  WHEN p."step" <= b.first_step THEN -1
                  WHEN p."step" >= b.last_step THEN ${buckets}
                  ELSE LEAST(${buckets} - 1, (p."step" - b.first_step)::bigint * ${buckets} / (b.last_step - b.first_step + 1))
             END AS bucket,
             min(ARRAY[p."value", p."step"::float8]) AS low, max(ARRAY[p."value", -p."step"::float8]) AS high
      FROM "MetricPoint" p JOIN bounds b ON b."id" = p."seriesId"
      WHERE p."seriesId" = ANY(${series.map((s) => s.id)}::int[])
      GROUP BY 1, 2
    )
    SELECT "id", string_agg(
             CASE WHEN low[2] = -high[2] THEN low[2]::int || ':' || low[1]
                  WHEN low[2] < -high[2] THEN low[2]::int || ':' || low[1] || ',' || (-high[2])::int || ':' || high[1]
                  ELSE (-high[2])::int || ':' || high[1] || ',' || low[2]::int || ':' || low[1]
             END, ',' ORDER BY bucket) AS points
    FROM extremes GROUP BY "id"`);
  return new Map(rows.map((row) => [row.id, parsePoints(row.points)]));
}

function parsePoints(text: string): CurvePoint[] {
  return text.split(",").map((pair) => {
    const colon = pair.indexOf(":");
    return { step: Number(pair.slice(0, colon)), value: Number(pair.slice(colon + 1)) };
  });
}

/**
 * Curves for the runs × keys. Curves already downsampled for an unchanged series are served from the
 * cache; the metadata and the points are read in one snapshot, so the cache stamp matches the points.
 */
export async function downsampledSeries(ctx: ReadContext, runIds: string[], keys: string[], maxPoints: number) {
  if (keys.length === 0) return [];
  return ctx.db.$transaction(
    async (tx) => {
      const metas = await seriesMetas(tx, runIds, keys);
      const curves = new Map<number, CurvePoint[]>();
      const misses: SeriesMeta[] = [];
      for (const meta of metas) {
        const cached = cache.get(meta.id, maxPoints, seriesVersion(meta));
        if (cached) curves.set(meta.id, cached);
        else misses.push(meta);
      }
      if (misses.length > 0) {
        const computed = await downsample(tx, misses, maxPoints);
        for (const meta of misses) {
          const points = computed.get(meta.id) ?? [];
          cache.set(meta.id, maxPoints, seriesVersion(meta), points);
          curves.set(meta.id, points);
        }
      }
      return metas.map((meta) => ({ runId: meta.runId, key: meta.key, totalPoints: meta.pointCount, points: curves.get(meta.id) ?? [] }));
    },
    { isolationLevel: "RepeatableRead", timeout: 60_000 },
  );
}
