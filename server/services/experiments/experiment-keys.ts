import { Prisma } from "@/server/db/generated/client";
import type { ReadContext } from "@/server/services/context";

/** The metric and param keys logged by any run of an experiment, sorted by name. */
export async function experimentKeys(ctx: ReadContext, experimentId: string) {
  const [metricRows, paramRows] = await Promise.all([
    ctx.db.$queryRaw<{ key: string }[]>(Prisma.sql`
      SELECT DISTINCT ms."key" FROM "MetricSeries" ms JOIN "Run" r ON r."id" = ms."runId"
      WHERE r."experimentId" = ${experimentId} ORDER BY ms."key"`),
    ctx.db.$queryRaw<{ key: string }[]>(Prisma.sql`
      SELECT DISTINCT rp."key" FROM "RunParam" rp JOIN "Run" r ON r."id" = rp."runId"
      WHERE r."experimentId" = ${experimentId} ORDER BY rp."key"`),
  ]);
  return { metricKeys: metricRows.map((row) => row.key), paramKeys: paramRows.map((row) => row.key) };
}
