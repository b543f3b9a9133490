import { createHash } from "node:crypto";
import { Prisma } from "@/server/db/generated/client";
import { notFound } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";
import { parseInput } from "@/server/services/experiments/parse-input";
import {
  assertCursorFits,
  encodeRunCursor,
  parseRunCursor,
  timestampText,
  type RunCursor,
} from "@/server/services/experiments/run-cursor";
import { parseRunFilter } from "@/server/services/experiments/run-filter";
import { compileRunFilter } from "@/server/services/experiments/run-filter-sql";
import { parseRunSort, runSortKey, type RunSort, type RunSortKey } from "@/server/services/experiments/run-sort";
import { runListItems } from "@/server/services/experiments/run-views";
import { listRunsInput, type ListRunsInput, type RunListPage } from "@/server/services/experiments/schemas";

type Direction = "asc" | "desc";
type PageRow = { id: string; sortKey: string | null; start: string };

/**
 * Runs after the cursor in the order `key direction NULLS LAST, startTime DESC, id`: a later key, no key, or the same
 * key and a later tie-break. Comparing against the previous page's last row, not an offset, means runs added or
 * removed meanwhile never shift a row onto two pages or off both.
 */
function afterCursor(sort: RunSort, key: RunSortKey, direction: Direction, cursor: RunCursor): Prisma.Sql {
  const start = Prisma.sql`${cursor.start}::timestamp`;
  const tieBreak = Prisma.sql`(r."startTime" < ${start} OR (r."startTime" = ${start} AND r."id" > ${cursor.id}))`;
  if (cursor.key === null) return Prisma.sql`(${key.sql} IS NULL AND ${tieBreak})`;
  const value = Prisma.sql`${cursor.key}::${Prisma.raw(key.type)}`;
  const beyond = Prisma.raw(direction === "asc" ? ">" : "<");
  const after = Prisma.sql`(${key.sql} ${beyond} ${value} OR ${key.sql} IS NULL OR (${key.sql} = ${value} AND ${tieBreak}))`;
  // The same condition in a form the (experimentId, startTime) index can range over.
  if (sort.kind === "attribute" && sort.attribute === "startTime") {
    return Prisma.sql`${after} AND r."startTime" ${Prisma.raw(direction === "asc" ? ">=" : "<=")} ${start}`;
  }
  return after;
}

/** A digest of what a page's position means: a cursor is only valid for the same experiment, filter and ordering. */
function orderDigest(input: ListRunsInput, direction: Direction, key: RunSortKey): string {
  const parts = [input.experimentId, input.filter ?? "", input.sortBy ?? "startTime", direction, key.type];
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

type RunsView = Pick<ListRunsInput, "experimentId" | "filter" | "sortBy" | "sortDir">;

/** What a runs-table view selects and how it orders, as of `asOf` (a run's duration up to then counts as its own). */
async function planView(ctx: ReadContext, view: RunsView, asOf: string) {
  const filter = compileRunFilter(parseRunFilter(view.filter));
  const sort = parseRunSort(view.sortBy);
  const direction: Direction = view.sortDir ?? (view.sortBy ? "asc" : "desc");
  const experiment = await ctx.db.experiment.findUnique({ where: { id: view.experimentId }, select: { id: true } });
  if (!experiment) throw notFound("Experiment");
  const key = await runSortKey(ctx, view.experimentId, sort, Prisma.sql`${asOf}::timestamp`);
  const orderBy = Prisma.sql`ORDER BY ${key.sql} ${Prisma.raw(direction.toUpperCase())} NULLS LAST, r."startTime" DESC, r."id"`;
  return { sort, direction, key, orderBy, where: Prisma.sql`r."experimentId" = ${view.experimentId} AND ${filter}` };
}

/**
 * One page of an experiment's runs, filtered by a filter expression and sorted by any column, read with keyset
 * pagination: `nextCursor` continues where the page ended. The total is counted on the first page only.
 */
export async function listRuns(ctx: ReadContext, rawInput: ListRunsInput): Promise<RunListPage> {
  const input = parseInput(listRunsInput, rawInput);
  const cursor = input.cursor ? parseRunCursor(input.cursor) : null;
  const asOf = cursor?.asOf ?? timestampText(new Date());
  const { sort, direction, key, orderBy, where } = await planView(ctx, input, asOf);
  const order = orderDigest(input, direction, key);
  if (cursor) assertCursorFits(cursor, order, key.type);
  const after = cursor ? Prisma.sql`AND ${afterCursor(sort, key, direction, cursor)}` : Prisma.empty;
  const [rows, counted] = await Promise.all([
    ctx.db.$queryRaw<PageRow[]>(Prisma.sql`
      SELECT r."id", (${key.sql})::text AS "sortKey", r."startTime"::text AS "start"
      FROM "Run" r ${key.join} WHERE ${where} ${after}
      ${orderBy}
      LIMIT ${input.pageSize + 1}`),
    cursor
      ? null
      : ctx.db.$queryRaw<{ total: number }[]>(Prisma.sql`SELECT count(*)::int AS total FROM "Run" r WHERE ${where}`),
  ]);
  const page = rows.slice(0, input.pageSize);
  const last = page.at(-1);
  return {
    items: await runListItems(
      ctx,
      page.map((row) => row.id),
    ),
    total: counted ? (counted[0]?.total ?? 0) : null,
    nextCursor:
      rows.length > input.pageSize && last
        ? encodeRunCursor({ order, key: last.sortKey, start: last.start, id: last.id, asOf })
        : null,
  };
}

/** The ids of the first `limit` runs a runs-table view lists, in its order, and how many runs it lists in all. */
export async function firstRunIdsOf(
  ctx: ReadContext,
  view: RunsView,
  limit: number,
): Promise<{ runIds: string[]; total: number }> {
  const { key, orderBy, where } = await planView(ctx, view, timestampText(new Date()));
  const [rows, counted] = await Promise.all([
    ctx.db.$queryRaw<{ id: string }[]>(Prisma.sql`
      SELECT r."id" FROM "Run" r ${key.join} WHERE ${where} ${orderBy} LIMIT ${limit}`),
    ctx.db.$queryRaw<{ total: number }[]>(Prisma.sql`SELECT count(*)::int AS total FROM "Run" r WHERE ${where}`),
  ]);
  return { runIds: rows.map((row) => row.id), total: counted[0]?.total ?? 0 };
}
