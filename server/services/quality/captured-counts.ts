import { Prisma } from "@/server/db/generated/client";
import type { ReadContext } from "@/server/services/context";

export type CapturedCount = { endpointId: string; variantName: string; day: string; captured: number };

/** Captured predictions per endpoint, variant and UTC day in [start, end), from the prediction log. */
export async function capturedCounts(
  ctx: ReadContext,
  endpointIds: readonly string[],
  start: Date,
  end: Date,
): Promise<CapturedCount[]> {
  if (endpointIds.length === 0) return [];
  const rows = await ctx.db.$queryRaw<
    Array<{ endpointId: string; variantName: string; day: string; captured: number }>
  >(
    Prisma.sql`
      SELECT "endpointId", "variantName",
             to_char("predictedAt"::date, 'YYYY-MM-DD') AS day, count(*)::int AS captured
      FROM "CapturedPrediction"
      WHERE "endpointId" IN (${Prisma.join([...endpointIds])}) AND "predictedAt" >= ${start} AND "predictedAt" < ${end}
      GROUP BY 1, 2, 3`,
  );
  return rows;
}
