import { Prisma } from "@/server/db/generated/client";
import type { ReadContext } from "@/server/services/context";

/**
 * The distinct keys of `table` for one experiment, sorted by name: a skip scan of its (experimentId, key) index that
 * jumps from each key to the next, so the cost grows with the number of keys, not with the number of runs.
 */
function distinctKeysSql(table: "MetricSeries" | "RunParam", experimentId: string): Prisma.Sql {
  const rows = Prisma.raw(`"${table}"`);
  return Prisma.sql`
    WITH RECURSIVE keys("key") AS (
      (SELECT "key" FROM ${rows} WHERE "experimentId" = ${experimentId} ORDER BY "key" LIMIT 1)
      UNION ALL
      SELECT (SELECT "key" FROM ${rows} WHERE "experimentId" = ${experimentId} AND "key" > keys."key" ORDER BY "key" LIMIT 1)
      FROM keys WHERE keys."key" IS NOT NULL
    )
    SELECT "key" FROM keys WHERE "key" IS NOT NULL`;
}

/** The metric and param keys logged by any run of an experiment, sorted by name. */
export async function experimentKeys(ctx: ReadContext, experimentId: string) {
  const [metricRows, paramRows] = await Promise.all([
    ctx.db.$queryRaw<{ key: string }[]>(distinctKeysSql("MetricSeries", experimentId)),
    ctx.db.$queryRaw<{ key: string }[]>(distinctKeysSql("RunParam", experimentId)),
  ]);
  return { metricKeys: metricRows.map((row) => row.key), paramKeys: paramRows.map((row) => row.key) };
}
