import { Prisma } from "@/server/db/generated/client";
import { PREVIEW_POINTS } from "@/server/services/experiments/curve-preview";
import { packedCurvesSql } from "@/server/services/experiments/packed-curves-sql";

/**
 * Longest series that keeps a preview. The preview is recomputed from all of a series' points by every
 * batch that touches it, so a write costs O(series length); beyond this length that would slow logging
 * down, so the preview is dropped (NULL) and compare reads such series' points instead.
 */
export const PREVIEW_MAX_SERIES_POINTS = 50_000;

/**
 * Rewrites MetricSeries.preview of the given series from their current points, in one statement: the
 * curve downsampled to PREVIEW_POINTS (min/max buckets; whole if it is no longer), packed in SQL.
 * Call it in the transaction that wrote the points, so the preview never lags behind them.
 */
export async function refreshPreviews(tx: Prisma.TransactionClient, seriesIds: number[]) {
  if (seriesIds.length === 0) return;
  await tx.$executeRaw(Prisma.sql`
    UPDATE "MetricSeries" s SET "preview" = packed.curve
    FROM unnest(${seriesIds}::int[]) AS t("id")
    LEFT JOIN (${packedCurvesSql(seriesIds, PREVIEW_POINTS, PREVIEW_MAX_SERIES_POINTS)}) AS packed ON packed."id" = t."id"
    WHERE s."id" = t."id"`);
}
