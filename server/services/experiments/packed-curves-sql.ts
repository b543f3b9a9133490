import { Prisma } from "@/server/db/generated/client";
import { bucketCount, PREVIEW_GRID_BUCKETS } from "@/server/services/experiments/curve-preview";

/**
 * A point as 12 bytes: int32 step, then float64 value, both little-endian (the format curve-preview.ts
 * unpacks). int4send/float8send write big-endian, so the bytes are swapped with integer arithmetic, which
 * is several times cheaper than going through hex text. The shifts do not check for overflow, so
 * moving a byte into the sign bit is fine.
 */
export const littleEndianPoint = Prisma.sql`
  int4send((("step" & 255) << 24) | ((("step" >> 8) & 255) << 16) | ((("step" >> 16) & 255) << 8) | (("step" >> 24) & 255))
  || int8send((get_byte(f, 7)::bigint << 56) | (get_byte(f, 6)::bigint << 48) | (get_byte(f, 5)::bigint << 40)
            | (get_byte(f, 4)::bigint << 32) | (get_byte(f, 3)::bigint << 24) | (get_byte(f, 2)::bigint << 16)
            | (get_byte(f, 1)::bigint << 8) | get_byte(f, 0)::bigint)`;

/** How the interior of a series is cut: equal step ranges, or the power-of-two grid of stored previews. */
export type Bucketing = "equal" | "grid";

/** The largest bucket number: the last point's own bucket, after every interior bucket. */
const LAST_BUCKET = 2_147_483_647;

/**
 * Min/max bucketing in SQL. With "equal", the rule of `keptIndices` in curve-preview.ts: a series with more than
 * `maxPoints` points keeps its first and last point, and its interior is cut into `bucketCount(maxPoints)` equal
 * step ranges that each keep their lowest and highest point (the earliest on ties), so spikes survive (LTTB would
 * smooth them away). With "grid", the rule of `gridPreview`: the interior is cut into buckets of `grid` steps from
 * the first step (the fewest power of two that keeps them within PREVIEW_GRID_BUCKETS), returned as "grid".
 * Shorter series are read whole, without aggregating ("grid" null).
 * Each series is bucketed on its own (a lateral subquery over its primary-key range), so the planner
 * hashes a few hundred buckets per series instead of sorting all points of all series on disk.
 * Yields one row per series that has points ("id", "curve" packed in step order, "grid"); series with more than
 * `maxSeriesPoints` points are left out without reading their points.
 * One difference from the JS rule: PostgreSQL orders NaN above every number, so a NaN would be a bucket's highest
 * point here; the log API refuses NaN and ±Infinity, so stored points never hold them.
 */
export function packedCurvesSql(
  seriesIds: number[],
  maxPoints: number,
  { maxSeriesPoints = 2_147_483_647, bucketing = "equal" }: { maxSeriesPoints?: number; bucketing?: Bucketing } = {},
): Prisma.Sql {
  const buckets = bucketCount(maxPoints);
  const interior =
    bucketing === "grid"
      ? Prisma.sql`(p."step" - b.first_step)::bigint / b.grid`
      : Prisma.sql`LEAST(${buckets - 1}, (p."step" - b.first_step)::bigint * ${buckets} / (b.last_step::bigint - b.first_step + 1))`;
  const grid =
    bucketing === "grid"
      ? Prisma.sql`(SELECT min(1::bigint << e) FROM generate_series(0, 31) e
           WHERE (s.last_step::bigint - s.first_step + 1 + (1::bigint << e) - 1) / (1::bigint << e) <= ${PREVIEW_GRID_BUCKETS})`
      : Prisma.sql`NULL::bigint`;
  return Prisma.sql`
    WITH ends AS MATERIALIZED (
      SELECT s."id", s."lastStep" AS last_step, s."pointCount" <= ${maxPoints} AS whole,
             (SELECT p."step" FROM "MetricPoint" p WHERE p."seriesId" = s."id" ORDER BY p."step" LIMIT 1) AS first_step
      FROM "MetricSeries" s
      WHERE s."id" = ANY(${seriesIds}::int[]) AND s."pointCount" BETWEEN 1 AND ${maxSeriesPoints}
    ),
    bounds AS MATERIALIZED (
      SELECT s.*, CASE WHEN s.whole THEN NULL ELSE ${grid} END AS grid FROM ends s
    )
    SELECT b."id", packed.curve, b.grid::int AS "grid"
    FROM bounds b
    CROSS JOIN LATERAL (
      SELECT string_agg(${littleEndianPoint}, ''::bytea ORDER BY kept."step") AS curve
      FROM (
        SELECT p."step", float8send(p."value") AS f FROM "MetricPoint" p WHERE b.whole AND p."seriesId" = b."id"
        UNION ALL
        SELECT k."step", float8send(k."value")
        FROM (
          -- Arrays compare element-wise: min([value, step]) is the lowest value (earliest step on ties),
          -- max([value, -step]) the highest (earliest step on ties).
          SELECT CASE WHEN p."step" <= b.first_step THEN -1
                      WHEN p."step" >= b.last_step THEN ${LAST_BUCKET}
                      ELSE ${interior}
                 END AS bucket,
                 min(ARRAY[p."value", p."step"::float8]) AS low, max(ARRAY[p."value", -p."step"::float8]) AS high
          FROM "MetricPoint" p WHERE NOT b.whole AND p."seriesId" = b."id"
          GROUP BY 1
        ) e
        CROSS JOIN LATERAL (VALUES (e.low[2]::int, e.low[1], false), ((-e.high[2])::int, e.high[1], true)) AS k("step", "value", is_high)
        WHERE NOT (k.is_high AND e.low[2] = -e.high[2])
      ) kept
    ) packed`;
}
