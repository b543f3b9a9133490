import { Prisma } from "@/server/db/generated/client";
import type { ReadContext } from "@/server/services/context";
import {
  COARSE_PREVIEW,
  downsamplePackedColumns,
  FINE_PREVIEW,
  previewCovers,
  type CurveColumns,
} from "@/server/services/experiments/curve-preview";
import { packedCurvesSql } from "@/server/services/experiments/packed-curves-sql";
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

/** The series with their coarse preview when it serves `limit` points (and they have one), else their fine one. */
async function storedSeries(ctx: ReadContext, runIds: string[], keys: string[], limit: number) {
  const coarse = limit <= COARSE_PREVIEW.servesUpTo;
  const rows = await ctx.db.$queryRaw<(Omit<StoredSeries, "preview"> & { preview: string | null })[]>(Prisma.sql`
    SELECT "id", "runId", "key", "pointCount", (${coarse} AND "previewCoarse" IS NOT NULL) AS "coarse",
           encode(CASE WHEN ${coarse} THEN COALESCE("previewCoarse", "preview") ELSE "preview" END, 'base64') AS "preview"
    FROM "MetricSeries"
    WHERE "runId" = ANY(${runIds}::text[]) AND "key" = ANY(${keys}::text[]) AND "pointCount" > 0`);
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

/** One run's curve of one metric, downsampled, as columns; `totalPoints` is the stored series' length. */
export type SeriesColumns = CurveColumns & { runId: string; key: string; totalPoints: number };

const NO_POINTS: CurveColumns = { steps: new Int32Array(0), values: new Float64Array(0) };

/**
 * Curves for the runs × keys with at most `limit` points each (min/max buckets), as columns. Series are served from
 * their stored preview (the coarse one when it serves `limit`), downsampled further in JS when `limit` is below its
 * size; only series without a
 * fitting one (longer than PREVIEW_MAX_SERIES_POINTS, or asked for more points than it holds) read their
 * points. Downsampling a preview again keeps the first and last point and every spike; where a preview
 * bucket straddles the edge of a coarser bucket, that bucket's extremes can differ slightly from a
 * downsample of the raw points (a preview holding the whole series gives exactly the same curve).
 * The series and their points are read in separate statements: a write landing in between only makes
 * `totalPoints` and the curve of that series a batch apart.
 */
export async function downsampledColumns(
  ctx: ReadContext,
  runIds: string[],
  keys: string[],
  limit: number,
): Promise<SeriesColumns[]> {
  if (keys.length === 0) return [];
  const stored = await storedSeries(ctx, runIds, keys, limit);
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
