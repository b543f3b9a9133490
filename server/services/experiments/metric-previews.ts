import { Prisma } from "@/server/db/generated/client";
import {
  COARSE_PREVIEW,
  gridPreview,
  packColumns,
  packedPointCount,
  PREVIEW_POINTS,
  unpackColumns,
  type CurveColumns,
} from "@/server/services/experiments/curve-preview";
import { packedCurvesSql } from "@/server/services/experiments/packed-curves-sql";

/**
 * Longest series whose preview is recomputed from all its points (after a value was replaced, or for a preview
 * written before grids): beyond it the recompute would slow logging down, so the preview is dropped (NULL) and
 * compare reads such series' points instead. Previews merged from new points alone have no such limit.
 */
export const PREVIEW_MAX_SERIES_POINTS = 50_000;

/**
 * MetricSeries.previewCoarse of a series from its fine preview (which holds every point the coarse one keeps: see
 * COARSE_PREVIEW), as base64; null without a fine preview.
 */
function coarsePreview(preview: CurveColumns | null, totalPoints: number): string | null {
  if (preview === null) return null;
  return Buffer.from(packColumns(gridPreview(preview, totalPoints, COARSE_PREVIEW).columns)).toString("base64");
}

/**
 * Rewrites MetricSeries.preview (and previewGrid) of the given series from their current points, in one statement:
 * the preview rule of gridPreview, in SQL; then previewCoarse from each new preview. Call it in the transaction that
 * wrote the points, so the previews never lag behind them.
 */
export async function refreshPreviews(tx: Prisma.TransactionClient, seriesIds: number[]) {
  if (seriesIds.length === 0) return;
  const packed = packedCurvesSql(seriesIds, PREVIEW_POINTS, {
    maxSeriesPoints: PREVIEW_MAX_SERIES_POINTS,
    bucketing: "grid",
  });
  const fresh = await tx.$queryRaw<{ id: number; pointCount: number; preview: string | null }[]>(Prisma.sql`
    UPDATE "MetricSeries" s SET "preview" = packed.curve, "previewGrid" = packed."grid"
    FROM unnest(${seriesIds}::int[]) AS t("id")
    LEFT JOIN (${packed}) AS packed ON packed."id" = t."id"
    WHERE s."id" = t."id"
    RETURNING s."id", s."pointCount", encode(s."preview", 'base64') AS "preview"`);
  const coarse = fresh.map((row) =>
    coarsePreview(row.preview === null ? null : unpackColumns(Buffer.from(row.preview, "base64")), row.pointCount),
  );
  await tx.$executeRaw(Prisma.sql`
    UPDATE "MetricSeries" s SET "previewCoarse" = decode(t."coarse", 'base64')
    FROM unnest(${fresh.map((row) => row.id)}::int[], ${coarse}::text[]) AS t("id", "coarse")
    WHERE s."id" = t."id"`);
}

/** The points a batch added to one series (none replaced), in step order. */
export type AddedPoints = { seriesId: number; columns: CurveColumns };

type StoredPreview = { id: number; pointCount: number; previewGrid: number | null; preview: string | null };

function mergeSorted(a: CurveColumns, b: CurveColumns): CurveColumns {
  const steps = new Int32Array(a.steps.length + b.steps.length);
  const values = new Float64Array(steps.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < steps.length; k++) {
    const takeA = j >= b.steps.length || (i < a.steps.length && (a.steps[i] ?? 0) < (b.steps[j] ?? 0));
    steps[k] = takeA ? (a.steps[i] ?? 0) : (b.steps[j] ?? 0);
    values[k] = takeA ? (a.values[i++] ?? 0) : (b.values[j++] ?? 0);
  }
  return { steps, values };
}

/**
 * The new preview of a series from its stored one and the points just added, or null when it must be recomputed
 * from all points: a preview written before grids, none at all, or a point before the series' first step (the grid
 * is counted from it).
 */
function mergedPreview(stored: StoredPreview, added: CurveColumns) {
  const before = stored.pointCount - added.steps.length;
  if (before === 0) return gridPreview(added, stored.pointCount);
  if (stored.preview === null) return null;
  const preview = Buffer.from(stored.preview, "base64");
  const whole = before <= PREVIEW_POINTS && packedPointCount(preview) === before;
  if (!whole && stored.previewGrid === null) return null;
  const old = unpackColumns(preview);
  if ((added.steps[0] ?? 0) <= (old.steps[0] ?? 0)) return null;
  return gridPreview(mergeSorted(old, added), stored.pointCount);
}

/**
 * Keeps the previews of series that only gained points current from the new points alone (O(preview + batch), not
 * O(series)); answers the series whose preview must be recomputed from their points (refreshPreviews). Call it in the
 * transaction that wrote the points, after their series' pointCount was updated.
 */
export async function mergePreviews(tx: Prisma.TransactionClient, batches: AddedPoints[]): Promise<number[]> {
  if (batches.length === 0) return [];
  const ids = batches.map((batch) => batch.seriesId);
  const rows = await tx.$queryRaw<StoredPreview[]>(Prisma.sql`
    SELECT "id", "pointCount", "previewGrid", encode("preview", 'base64') AS "preview"
    FROM "MetricSeries" WHERE "id" = ANY(${ids}::int[])`);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const recompute: number[] = [];
  const merged: { id: number; preview: string; grid: number | null; coarse: string | null }[] = [];
  for (const batch of batches) {
    const stored = byId.get(batch.seriesId);
    const next = stored ? mergedPreview(stored, batch.columns) : null;
    if (stored === undefined || next === null) recompute.push(batch.seriesId);
    else
      merged.push({
        id: batch.seriesId,
        preview: Buffer.from(packColumns(next.columns)).toString("base64"),
        grid: next.grid,
        coarse: coarsePreview(next.columns, stored.pointCount),
      });
  }
  if (merged.length > 0) {
    await tx.$executeRaw(Prisma.sql`
      UPDATE "MetricSeries" s
      SET "preview" = decode(t."preview", 'base64'), "previewGrid" = t."grid",
          "previewCoarse" = decode(t."coarse", 'base64')
      FROM unnest(${merged.map((m) => m.id)}::int[], ${merged.map((m) => m.preview)}::text[],
                  ${merged.map((m) => m.grid)}::int[], ${merged.map((m) => m.coarse)}::text[])
           AS t("id", "preview", "grid", "coarse")
      WHERE s."id" = t."id"`);
  }
  return recompute;
}
