import { Prisma } from "@/server/db/generated/client";
import { notFound } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";
import { experimentKeys } from "@/server/services/experiments/experiment-keys";
import { parseInput } from "@/server/services/experiments/parse-input";
import { parseRunFilter } from "@/server/services/experiments/run-filter";
import { compileRunFilter } from "@/server/services/experiments/run-filter-sql";
import { parseRunSort, runSortExpression } from "@/server/services/experiments/run-sort";
import { runListItems } from "@/server/services/experiments/run-views";
import { listRunsInput, type ListRunsInput, type RunListPage } from "@/server/services/experiments/schemas";

/** One page of an experiment's runs, filtered by a filter expression and sorted by any column. */
export async function listRuns(ctx: ReadContext, rawInput: ListRunsInput): Promise<RunListPage> {
  const input = parseInput(listRunsInput, rawInput);
  const where = Prisma.sql`r."experimentId" = ${input.experimentId} AND ${compileRunFilter(parseRunFilter(input.filter))}`;
  const sort = parseRunSort(input.sortBy);
  const experiment = await ctx.db.experiment.findUnique({ where: { id: input.experimentId }, select: { id: true } });
  if (!experiment) throw notFound("Experiment");

  const direction = Prisma.raw((input.sortDir ?? (input.sortBy ? "asc" : "desc")) === "asc" ? "ASC" : "DESC");
  const orderBy = await runSortExpression(ctx, input.experimentId, sort);
  const [pageRows, counted, keys] = await Promise.all([
    ctx.db.$queryRaw<{ id: string }[]>(Prisma.sql`
      SELECT r."id" FROM "Run" r WHERE ${where}
      ORDER BY ${orderBy} ${direction} NULLS LAST, r."startTime" DESC, r."id"
      LIMIT ${input.pageSize} OFFSET ${(input.page - 1) * input.pageSize}`),
    ctx.db.$queryRaw<{ total: number }[]>(Prisma.sql`SELECT count(*)::int AS total FROM "Run" r WHERE ${where}`),
    experimentKeys(ctx, input.experimentId),
  ]);
  return {
    items: await runListItems(
      ctx,
      pageRows.map((row) => row.id),
    ),
    total: counted[0]?.total ?? 0,
    page: input.page,
    pageSize: input.pageSize,
    ...keys,
  };
}
