import { Prisma } from "@/server/db/generated/client";
import { badRequest } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";

export const RUN_SORT_ATTRIBUTES = ["name", "status", "startTime", "endTime", "duration", "user", "gitCommit"] as const;
type SortAttribute = (typeof RUN_SORT_ATTRIBUTES)[number];

export type RunSort =
  { kind: "attribute"; attribute: SortAttribute } | { kind: "metric"; key: string } | { kind: "param"; key: string };

/** The SQL type of a sort key: a page cursor carries the key as text and casts it back to this. */
export type RunSortKeyType = "text" | "timestamp" | "float8" | "numeric";

/** `sql` reads the key of a run aliased `r`, from the row `join` adds (aliased `sk`) when it needs one. */
export type RunSortKey = { sql: Prisma.Sql; type: RunSortKeyType; join: Prisma.Sql };

const noJoin = Prisma.empty;

const attributeKeys = (asOf: Prisma.Sql): Record<SortAttribute, RunSortKey> => ({
  name: { sql: Prisma.sql`r."name"`, type: "text", join: noJoin },
  status: { sql: Prisma.sql`r."status"::text`, type: "text", join: noJoin },
  startTime: { sql: Prisma.sql`r."startTime"`, type: "timestamp", join: noJoin },
  endTime: { sql: Prisma.sql`r."endTime"`, type: "timestamp", join: noJoin },
  // In seconds; a run still going has lasted until `asOf`.
  duration: {
    sql: Prisma.sql`EXTRACT(EPOCH FROM (COALESCE(r."endTime", ${asOf}) - r."startTime"))`,
    type: "numeric",
    join: noJoin,
  },
  user: { sql: Prisma.sql`sk."name"`, type: "text", join: Prisma.sql`LEFT JOIN "User" sk ON sk."id" = r."userId"` },
  gitCommit: { sql: Prisma.sql`r."gitCommit"`, type: "text", join: noJoin },
});

const unquote = (key: string) => (key.length > 2 && key.startsWith("`") && key.endsWith("`") ? key.slice(1, -1) : key);

/** Reads "startTime", "attributes.name", "metrics.auc", "params.`max depth`" and the like. */
export function parseRunSort(sortBy: string | undefined): RunSort {
  if (!sortBy) return { kind: "attribute", attribute: "startTime" };
  const dot = sortBy.indexOf(".");
  const prefix = dot === -1 ? "" : sortBy.slice(0, dot).toLowerCase();
  const key = unquote(sortBy.slice(dot + 1));
  if ((prefix === "metrics" || prefix === "metric") && key) return { kind: "metric", key };
  if ((prefix === "params" || prefix === "param") && key) return { kind: "param", key };
  const attributeName = prefix === "attributes" || prefix === "attribute" ? key : sortBy;
  const attribute = RUN_SORT_ATTRIBUTES.find((a) => a.toLowerCase() === attributeName.toLowerCase());
  if (attribute) return { kind: "attribute", attribute };
  throw badRequest(
    `Cannot sort by "${sortBy}": use one of ${RUN_SORT_ATTRIBUTES.join(", ")}, metrics.<key> or params.<key>`,
  );
}

/**
 * Whether every value logged for this param in the experiment is a number (then it sorts numerically): read from the
 * first entry of the (experimentId, key, numericValue) index in descending order, where values that are not numbers
 * (null numericValue) come first. A key nobody logged counts as numeric.
 */
async function paramIsNumeric(ctx: ReadContext, experimentId: string, key: string): Promise<boolean> {
  const [first] = await ctx.db.$queryRaw<{ numeric: boolean }[]>(Prisma.sql`
    SELECT "numericValue" IS NOT NULL AS "numeric" FROM "RunParam"
    WHERE "experimentId" = ${experimentId} AND "key" = ${key}
    ORDER BY "numericValue" DESC NULLS FIRST LIMIT 1`);
  return first?.numeric ?? true;
}

/**
 * Text params (up to 6,000 characters) sort by their first 200: a page cursor carries its last key, and travels in a
 * URL. Runs whose values share those characters follow each other newest first.
 */
const TEXT_PARAM_SORT_PREFIX = 200;

/**
 * The SQL expression to order runs (aliased `r`) by, and its type; `asOf` is the time a running run's duration runs to. Metric, param and user keys come from a join: a
 * correlated subquery per run, repeated in a page cursor's condition, took three times as long at 100,000 runs.
 */
export async function runSortKey(
  ctx: ReadContext,
  experimentId: string,
  sort: RunSort,
  asOf: Prisma.Sql,
): Promise<RunSortKey> {
  switch (sort.kind) {
    case "attribute":
      return attributeKeys(asOf)[sort.attribute];
    case "metric":
      return {
        sql: Prisma.sql`sk."lastValue"`,
        type: "float8",
        join: Prisma.sql`LEFT JOIN "MetricSeries" sk ON sk."runId" = r."id" AND sk."key" = ${sort.key}`,
      };
    case "param": {
      const join = Prisma.sql`LEFT JOIN "RunParam" sk ON sk."runId" = r."id" AND sk."key" = ${sort.key}`;
      return (await paramIsNumeric(ctx, experimentId, sort.key))
        ? { sql: Prisma.sql`sk."numericValue"`, type: "numeric", join }
        : { sql: Prisma.sql`left(sk."value", ${TEXT_PARAM_SORT_PREFIX})`, type: "text", join };
    }
  }
}
