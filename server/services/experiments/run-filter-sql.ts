import { Prisma } from "@/server/db/generated/client";
import type { FilterOperator, FilterTerm } from "@/server/services/experiments/run-filter";

// The only way an operator reaches SQL: looked up here, never copied from the filter text.
const SQL_OPERATORS: Record<FilterOperator, Prisma.Sql> = {
  "=": Prisma.raw("="),
  "!=": Prisma.raw("<>"),
  "<": Prisma.raw("<"),
  "<=": Prisma.raw("<="),
  ">": Prisma.raw(">"),
  ">=": Prisma.raw(">="),
};

function metricCondition(term: Extract<FilterTerm, { entity: "metric" }>): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM "MetricSeries" fm WHERE fm."runId" = r."id" AND fm."key" = ${term.key}
    AND fm."lastValue" ${SQL_OPERATORS[term.op]} ${term.value}::float8)`;
}

function paramCondition(term: Extract<FilterTerm, { entity: "param" }>): Prisma.Sql {
  const comparison =
    term.value.kind === "number"
      ? Prisma.sql`fp."numericValue" ${SQL_OPERATORS[term.op]} ${term.value.value}::numeric`
      : Prisma.sql`fp."value" ${SQL_OPERATORS[term.op]} ${term.value.value}`;
  return Prisma.sql`EXISTS (SELECT 1 FROM "RunParam" fp WHERE fp."runId" = r."id" AND fp."key" = ${term.key} AND ${comparison})`;
}

function tagCondition(term: Extract<FilterTerm, { entity: "tag" }>): Prisma.Sql {
  return Prisma.sql`(r."tags" ->> ${term.key}) ${SQL_OPERATORS[term.op]} ${term.value}`;
}

function attributeCondition(term: Extract<FilterTerm, { entity: "attribute" }>): Prisma.Sql {
  const op = SQL_OPERATORS[term.op];
  switch (term.key) {
    case "status":
      return Prisma.sql`r."status"::text ${op} ${term.value}`;
    case "name":
      return Prisma.sql`r."name" ${op} ${term.value}`;
    case "gitCommit":
      return term.op === "!="
        ? Prisma.sql`r."gitCommit" IS DISTINCT FROM ${term.value}`
        : Prisma.sql`r."gitCommit" ${op} ${term.value}`;
    case "user": {
      // A person is matched by name or email for (in)equality, by name for ordering.
      if (term.op === "=" || term.op === "!=") {
        const match = Prisma.sql`EXISTS (SELECT 1 FROM "User" fu WHERE fu."id" = r."userId" AND (fu."name" = ${term.value} OR fu."email" = ${term.value}))`;
        return term.op === "=" ? match : Prisma.sql`NOT ${match}`;
      }
      return Prisma.sql`EXISTS (SELECT 1 FROM "User" fu WHERE fu."id" = r."userId" AND fu."name" ${op} ${term.value})`;
    }
  }
}

function termCondition(term: FilterTerm): Prisma.Sql {
  switch (term.entity) {
    case "metric":
      return metricCondition(term);
    case "param":
      return paramCondition(term);
    case "tag":
      return tagCondition(term);
    case "attribute":
      return attributeCondition(term);
  }
}

/**
 * Compiles parsed filter terms to one parameterised SQL condition over runs aliased `r`.
 * Runs lacking the metric, param or tag a term names never match it (as in MLflow).
 */
export function compileRunFilter(terms: FilterTerm[]): Prisma.Sql {
  if (terms.length === 0) return Prisma.sql`TRUE`;
  return Prisma.join(
    terms.map((term) => Prisma.sql`(${termCondition(term)})`),
    " AND ",
  );
}
