import { Prisma } from "@/server/db/generated/client";
import type { ReadContext } from "@/server/services/context";
import { addDays } from "@/server/services/quality/days";

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Counts one UTC day's captured predictions per endpoint and variant into CapturedDailyCount and marks the day final
 * (CapturedDayRollup), replacing any earlier count of that day: idempotent, so a retried job does no harm.
 * Call it while the day's CapturedPrediction partition still holds every row — the retention job calls it just before
 * dropping the partition — so the Quality view's unknown-outcome share survives retention.
 */
export async function rollUpCapturedDay(ctx: ReadContext, day: string): Promise<{ day: string; rows: number }> {
  const start = new Date(`${day}T00:00:00Z`);
  if (!DAY_PATTERN.test(day) || Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== day)
    throw new RangeError(`A day is a calendar date YYYY-MM-DD, got ${day}`);
  const end = addDays(start, 1);
  const date = Prisma.sql`${day}::date`;
  const rows = await ctx.db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`captured-rollup:${day}`}))::text AS locked`;
    await tx.$executeRaw`DELETE FROM "CapturedDailyCount" WHERE "day" = ${date}`;
    const inserted = await tx.$executeRaw`
      INSERT INTO "CapturedDailyCount" ("day", "endpointId", "variantName", "captured")
      SELECT ${date}, "endpointId", "variantName", count(*)::int
      FROM "CapturedPrediction"
      WHERE "endpointId" IS NOT NULL AND "predictedAt" >= ${start} AND "predictedAt" < ${end} AND "mirrorOf" IS NULL
      GROUP BY "endpointId", "variantName"`;
    await tx.$executeRaw`
      INSERT INTO "CapturedDayRollup" ("day", "rolledUpAt") VALUES (${date}, now())
      ON CONFLICT ("day") DO UPDATE SET "rolledUpAt" = now()`;
    return inserted;
  });
  return { day, rows };
}
