import { Prisma } from "@/server/db/generated/client";
import { badRequest } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";
import { NUMERIC_TEXT_PATTERN, numericParamValue } from "@/server/services/experiments/run-filter-sql";

export const RUN_SORT_ATTRIBUTES = ["name", "status", "startTime", "endTime", "duration", "user", "gitCommit"] as const;
type SortAttribute = (typeof RUN_SORT_ATTRIBUTES)[number];

export type RunSort =
  { kind: "attribute"; attribute: SortAttribute } | { kind: "metric"; key: string } | { kind: "param"; key: string };

const ATTRIBUTE_SQL: Record<SortAttribute, Prisma.Sql> = {
  name: Prisma.sql`r."name"`,
  status: Prisma.sql`r."status"::text`,
  startTime: Prisma.sql`r."startTime"`,
  endTime: Prisma.sql`r."endTime"`,
  // A run still going has lasted until now.
  duration: Prisma.sql`(COALESCE(r."endTime", now() AT TIME ZONE 'UTC') - r."startTime")`,
  user: Prisma.sql`(SELECT su."name" FROM "User" su WHERE su."id" = r."userId")`,
  gitCommit: Prisma.sql`r."gitCommit"`,
};

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

/** Whether every value logged for this param in the experiment is a number (then it sorts numerically). */
async function paramIsNumeric(ctx: ReadContext, experimentId: string, key: string): Promise<boolean> {
  const [row] = await ctx.db.$queryRaw<{ numeric: boolean | null }[]>(Prisma.sql`
    SELECT bool_and(rp."value" ~ ${NUMERIC_TEXT_PATTERN}) AS numeric
    FROM "RunParam" rp JOIN "Run" r ON r."id" = rp."runId"
    WHERE r."experimentId" = ${experimentId} AND rp."key" = ${key}`);
  return row?.numeric === true;
}

/** The SQL expression to order runs (aliased `r`) by. */
export async function runSortExpression(ctx: ReadContext, experimentId: string, sort: RunSort): Promise<Prisma.Sql> {
  switch (sort.kind) {
    case "attribute":
      return ATTRIBUTE_SQL[sort.attribute];
    case "metric":
      return Prisma.sql`(SELECT sm."lastValue" FROM "MetricSeries" sm WHERE sm."runId" = r."id" AND sm."key" = ${sort.key})`;
    case "param": {
      const value = Prisma.sql`(SELECT sp."value" FROM "RunParam" sp WHERE sp."runId" = r."id" AND sp."key" = ${sort.key})`;
      return (await paramIsNumeric(ctx, experimentId, sort.key)) ? numericParamValue(value) : value;
    }
  }
}
