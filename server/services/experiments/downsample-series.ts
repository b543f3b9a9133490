import { Prisma } from "@/server/db/generated/client";
import type { ReadContext } from "@/server/services/context";
import {
  COARSE_PREVIEW,
  downsamplePackedColumns,
  FINE_PREVIEW,
  packedPointCount,
  PREVIEW_POINTS,
  previewCovers,
  rangeCurve,
  unpackColumns,
  type CurveColumns,
  type StepRange,
} from "@/server/services/experiments/curve-preview";
import { littleEndianPoint, packedCurvesSql } from "@/server/services/experiments/packed-curves-sql";
import type { SeriesCurve } from "@/server/services/experiments/schemas";

type StoredSeries = {
  id: number;
  runId: string;
  key: string;
  pointCount: number;
  preview: Uint8Array | null;
  /** The preview read is previewCoarse. */
  coarse: boolean;
};

// Prisma converts bytea values of raw queries to Uint8Array slowly (~0.5 s for 1,000 previews of 12 kB);
// the same bytes as base64 text decoded by Buffer take a tenth of that. (Node ignores the line breaks
// Postgres puts in base64.)
const fromBase64 = (text: string | null) => (text === null ? null : Buffer.from(text, "base64"));

/**
 * The series with their coarse preview when it serves `limit` points over all their steps (and they have one), else
 * their fine one.
 */
async function storedSeries(ctx: ReadContext, runIds: string[], keys: string[], limit: number, whole: boolean) {
  // Never a coarse preview beside a dropped fine one: whatever drops the fine one wants the points read.
  const coarse = Prisma.sql`(${whole && limit <= COARSE_PREVIEW.servesUpTo}
    AND "previewCoarse" IS NOT NULL AND "preview" IS NOT NULL)`;
  const rows = await ctx.db.$queryRaw<(Omit<StoredSeries, "preview"> & { preview: string | null })[]>(Prisma.sql`
    SELECT "id", "runId", "key", "pointCount", ${coarse} AS "coarse",
           encode(CASE WHEN ${coarse} THEN "previewCoarse" ELSE "preview" END, 'base64') AS "preview"
    FROM "MetricSeries"
    WHERE "runId" = ANY(${runIds}::text[]) AND "key" = ANY(${keys}::text[]) AND "pointCount" > 0
    ORDER BY "id"`);
  return rows.map((row): StoredSeries => ({ ...row, preview: fromBase64(row.preview) }));
}

/** Curves of series that have no preview fit for `limit`, downsampled from their points in SQL. */
async function curvesFromPoints(
  ctx: ReadContext,
  seriesIds: number[],
  limit: number,
): Promise<Map<number, Uint8Array>> {
  const rows = await ctx.db.$queryRaw<{ id: number; curve: string | null }[]>(Prisma.sql`
    SELECT "id", encode("curve", 'base64') AS "curve" FROM (${packedCurvesSql(seriesIds, limit)}) AS curves`);
  const curves = new Map<number, Uint8Array>();
  for (const row of rows) {
    const curve = fromBase64(row.curve);
    if (curve) curves.set(row.id, curve);
  }
  return curves;
}

/**
 * Points a zoomed read takes from MetricPoint at most (about 5 MB of rows): past it, series are drawn from their
 * stored preview (up to about 2,000 points over all their steps), or, without one, from their points bucketed in SQL
 * to PREVIEW_POINTS over all their steps.
 */
const RANGE_POINTS_READ = 400_000;

/**
 * The stored points of each series within `[from, to]`, and its nearest point on each side, packed (aggregated series
 * by series, so no sort spans them all).
 */
async function pointsInRange(ctx: ReadContext, seriesIds: number[], [from, to]: StepRange) {
  const rows = await ctx.db.$queryRaw<{ id: number; curve: string | null }[]>(Prisma.sql`
    SELECT s."id", encode(packed.curve, 'base64') AS "curve"
    FROM unnest(${seriesIds}::int[]) AS s("id")
    CROSS JOIN LATERAL (
      SELECT string_agg(${littleEndianPoint}, ''::bytea ORDER BY pts."step") AS curve
      FROM (
        (SELECT p."step", float8send(p."value") AS f FROM "MetricPoint" p
         WHERE p."seriesId" = s."id" AND p."step" < ${from} ORDER BY p."step" DESC LIMIT 1)
        UNION ALL
        SELECT p."step", float8send(p."value") FROM "MetricPoint" p
        WHERE p."seriesId" = s."id" AND p."step" BETWEEN ${from} AND ${to}
        UNION ALL
        (SELECT p."step", float8send(p."value") FROM "MetricPoint" p
         WHERE p."seriesId" = s."id" AND p."step" > ${to} ORDER BY p."step" LIMIT 1)
      ) pts
    ) packed`);
  return new Map(rows.flatMap((row) => (row.curve === null ? [] : [[row.id, Buffer.from(row.curve, "base64")]])));
}

/**
 * The curves of a chart zoomed to `steps` (see rangeCurve). A series whose preview holds all its points is cut from
 * it; the others read their points in the range, series by series in id order, while the points they may hold (no
 * more than the steps in the range) fit RANGE_POINTS_READ. Past it, a series is cut from its stored preview (coarser
 * than its points, finer than the whole chart's curve), or without one, from its points bucketed over all its steps.
 */
async function rangeColumns(
  ctx: ReadContext,
  stored: StoredSeries[],
  { steps, limit, budget: pointsRead }: { steps: StepRange; limit: number; budget: number },
): Promise<SeriesColumns[]> {
  const wholePreview = (series: StoredSeries) =>
    series.preview !== null && packedPointCount(series.preview) === series.pointCount;
  let budget = pointsRead;
  const toRead = new Set<number>();
  const toBucket: number[] = [];
  for (const series of stored) {
    if (wholePreview(series)) continue;
    const most = Math.min(series.pointCount, steps[1] - steps[0] + 1) + 2;
    if (most <= budget) {
      toRead.add(series.id);
      budget -= most;
    } else if (series.preview === null) toBucket.push(series.id);
  }
  const [read, bucketed] = await Promise.all([
    toRead.size > 0 ? pointsInRange(ctx, [...toRead], steps) : new Map<number, Buffer>(),
    toBucket.length > 0 ? curvesFromPoints(ctx, toBucket, PREVIEW_POINTS) : new Map<number, Uint8Array>(),
  ]);
  return stored.map((series) => {
    const source = toRead.has(series.id) ? read.get(series.id) : (bucketed.get(series.id) ?? series.preview);
    return {
      runId: series.runId,
      key: series.key,
      totalPoints: series.pointCount,
      ...(source ? rangeCurve(unpackColumns(source), steps, limit) : NO_POINTS),
    };
  });
}

/** One run's curve of one metric, downsampled, as columns; `totalPoints` is the stored series' length. */
export type SeriesColumns = CurveColumns & { runId: string; key: string; totalPoints: number };

const NO_POINTS: CurveColumns = { steps: new Int32Array(0), values: new Float64Array(0) };

/**
 * Curves for the runs × keys with at most `limit` points each (min/max buckets), as columns. Series are served from
 * their stored preview (the coarse one when it serves `limit`), downsampled further in JS when `limit` is below its
 * size; only series without a fitting one (longer than PREVIEW_MAX_SERIES_POINTS, or asked for more points than it
 * holds) read their points. Downsampling a preview again keeps the first and last point and every spike; where a preview
 * bucket straddles the edge of a coarser bucket, that bucket's extremes can differ slightly from a
 * downsample of the raw points (a preview holding the whole series gives exactly the same curve).
 * The series and their points are read in separate statements: a write landing in between only makes
 * `totalPoints` and the curve of that series a batch apart. With `steps`, the curves of a zoomed chart, reading at
 * most about `rangePointsRead` points (see rangeColumns).
 */
export async function downsampledColumns(
  ctx: ReadContext,
  runIds: string[],
  keys: string[],
  limit: number,
  { steps, rangePointsRead = RANGE_POINTS_READ }: { steps?: StepRange; rangePointsRead?: number } = {},
): Promise<SeriesColumns[]> {
  if (keys.length === 0) return [];
  const stored = await storedSeries(ctx, runIds, keys, limit, steps === undefined);
  if (steps !== undefined) return rangeColumns(ctx, stored, { steps, limit, budget: rangePointsRead });
  const usable = (series: StoredSeries) =>
    series.preview !== null &&
    previewCovers(series.preview, series.pointCount, limit, series.coarse ? COARSE_PREVIEW : FINE_PREVIEW);
  const uncovered = stored.filter((series) => !usable(series)).map((series) => series.id);
  const computed = uncovered.length > 0 ? await curvesFromPoints(ctx, uncovered, limit) : new Map<number, Uint8Array>();
  return stored.map((series) => {
    const curve = usable(series) ? series.preview : computed.get(series.id);
    return {
      runId: series.runId,
      key: series.key,
      totalPoints: series.pointCount,
      ...(curve ? downsamplePackedColumns(curve, limit) : NO_POINTS),
    };
  });
}

/** The curves of downsampledColumns as points. */
export async function downsampledSeries(
  ctx: ReadContext,
  runIds: string[],
  keys: string[],
  limit: number,
): Promise<SeriesCurve[]> {
  const curves = await downsampledColumns(ctx, runIds, keys, limit);
  return curves.map(({ runId, key, totalPoints, steps, values }) => ({
    runId,
    key,
    totalPoints,
    points: Array.from(steps, (step, i) => ({ step, value: values[i] ?? 0 })),
  }));
}
