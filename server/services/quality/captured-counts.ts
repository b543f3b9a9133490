import { Prisma } from "@/server/db/generated/client";
import type { ReadContext } from "@/server/services/context";

export type CapturedCounts = {
  /** Live counts from the prediction log, by key(endpointId, variantName, day). */
  live: Map<string, number>;
  /** Frozen counts of rolled-up days (CapturedDailyCount), by the same key. */
  rolledUp: Map<string, number>;
  /** The days whose frozen counts are final: a missing key on such a day is a zero. */
  rolledUpDays: Set<string>;
  /** The variant names seen per endpoint, in either. */
  variants: Map<string, Set<string>>;
};

export const countKey = (endpointId: string, variantName: string, day: string) =>
  `${endpointId}\u0000${variantName}\u0000${day}`;

type CountRow = { endpointId: string; variantName: string; day: string; captured: number };

/** Captured predictions per endpoint, variant and UTC day in [start, end): live and rolled up. */
export async function capturedCounts(
  ctx: ReadContext,
  endpointIds: readonly string[],
  start: Date,
  end: Date,
): Promise<CapturedCounts> {
  if (endpointIds.length === 0)
    return { live: new Map(), rolledUp: new Map(), rolledUpDays: new Set(), variants: new Map() };
  const ids = Prisma.join([...endpointIds]);
  const [live, rolledUp, days] = await Promise.all([
    ctx.db.$queryRaw<CountRow[]>(Prisma.sql`
      SELECT "endpointId", "variantName", to_char("predictedAt"::date, 'YYYY-MM-DD') AS day, count(*)::int AS captured
      FROM "CapturedPrediction"
      WHERE "endpointId" IN (${ids}) AND "predictedAt" >= ${start} AND "predictedAt" < ${end} AND "mirrorOf" IS NULL
      GROUP BY 1, 2, 3`),
    ctx.db.$queryRaw<CountRow[]>(Prisma.sql`
      SELECT "endpointId", "variantName", to_char("day", 'YYYY-MM-DD') AS day, "captured"
      FROM "CapturedDailyCount"
      WHERE "endpointId" IN (${ids}) AND "day" >= ${start}::date AND "day" < ${end}::date`),
    ctx.db.$queryRaw<Array<{ day: string }>>(Prisma.sql`
      SELECT to_char("day", 'YYYY-MM-DD') AS day FROM "CapturedDayRollup"
      WHERE "day" >= ${start}::date AND "day" < ${end}::date`),
  ]);
  const byKey = (rows: CountRow[]) =>
    new Map(rows.map((r) => [countKey(r.endpointId, r.variantName, r.day), r.captured]));
  const variants = new Map<string, Set<string>>();
  for (const row of [...live, ...rolledUp]) {
    const names = variants.get(row.endpointId) ?? new Set<string>();
    names.add(row.variantName);
    variants.set(row.endpointId, names);
  }
  return { live: byKey(live), rolledUp: byKey(rolledUp), rolledUpDays: new Set(days.map((d) => d.day)), variants };
}
