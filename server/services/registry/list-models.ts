import type { z } from "zod";
import { Prisma } from "@/server/db/generated/client";
import type { TaskType } from "@/server/db/generated/enums";
import type { ReadContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import {
  encodeModelCursor,
  modelListOrder,
  parseModelCursor,
  type ModelCursor,
} from "@/server/services/registry/model-cursor";
import { listModelsInput, type modelListOutput } from "@/server/services/registry/schemas";

type ListModelsFilter = z.output<typeof listModelsInput>;

type ModelListRow = {
  id: string;
  /** The sort key as PostgreSQL prints it (null when sorting by name), for the next page's cursor. */
  sortKey: string | null;
  name: string;
  team: string;
  taskType: TaskType;
  tags: string[];
  latestVersion: number;
  versionCount: number;
  aliases: { alias: string; version: number }[];
  isDemo: boolean;
  createdAt: Date;
  updatedAt: Date;
};

/** Sort keys map to fixed column names only, so the ORDER BY below never contains user input. */
const SORT_COLUMNS = {
  name: `"name"`,
  updatedAt: `"updatedAt"`,
  createdAt: `"createdAt"`,
  latestVersion: `"latestVersion"`,
} as const;

/** The models after the cursor's, in the list's order: a range of the sort column's index, not an OFFSET. */
function after(filter: ListModelsFilter, cursor: ModelCursor | null): Prisma.Sql | null {
  if (cursor === null) return null;
  const beyond = Prisma.raw(filter.order === "asc" ? ">" : "<");
  if (filter.sort === "name") return Prisma.sql`m."name" ${beyond} ${cursor.name}`;
  const column = Prisma.raw(`m.${SORT_COLUMNS[filter.sort]}`);
  const key =
    filter.sort === "latestVersion" ? Prisma.sql`${cursor.key}::int` : Prisma.sql`${cursor.key}::timestamp(3)`;
  return Prisma.sql`(${column} ${beyond} ${key} OR (${column} = ${key} AND m."name" > ${cursor.name}))`;
}

function sortKey(filter: ListModelsFilter): Prisma.Sql {
  return filter.sort === "name" ? Prisma.sql`NULL::text` : Prisma.raw(`m.${SORT_COLUMNS[filter.sort]}::text`);
}

function orderBy(filter: ListModelsFilter): Prisma.Sql {
  const primary = `m.${SORT_COLUMNS[filter.sort]} ${filter.order === "asc" ? "ASC" : "DESC"}`;
  // The unique name breaks ties, so pages stay stable when many models share a sort value.
  return Prisma.raw(filter.sort === "name" ? primary : `${primary}, m."name" ASC`);
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function whereFor(filter: ListModelsFilter, ...more: (Prisma.Sql | null)[]): Prisma.Sql {
  const conditions = more.filter((condition) => condition !== null);
  if (filter.search) {
    const pattern = `%${escapeLike(filter.search)}%`;
    conditions.push(Prisma.sql`(m."name" ILIKE ${pattern} OR m."description" ILIKE ${pattern})`);
  }
  if (filter.tag) conditions.push(Prisma.sql`m."tags" @> ARRAY[${filter.tag}]::text[]`);
  if (filter.team) conditions.push(Prisma.sql`t."name" = ${filter.team}`);
  if (filter.taskType) conditions.push(Prisma.sql`m."taskType" = ${filter.taskType}::"TaskType"`);
  return conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

/**
 * One page of models with everything the list shows, in one round trip (plus the count, run
 * alongside): at 10,000 models Prisma's per-relation queries made the list several times slower.
 * The page's ids are chosen first so the per-model subqueries run for 25 rows, not for every
 * row an OFFSET skips. A page is named by number (OFFSET: fine for the pages a person clicks through) or by the
 * previous page's `nextCursor` (a range of the sort's index, as cheap at model 100,000 as at model 1). A walk by
 * cursor never skips or repeats a model because others are registered; by name or creation time nothing else moves a
 * model either, while by update time or latest version a model that gets a new version mid-walk moves with it (past
 * the cursor: seen again, or not at all).
 */
export async function listModels(
  ctx: ReadContext,
  rawInput: z.input<typeof listModelsInput> = {},
): Promise<z.infer<typeof modelListOutput>> {
  const filter = parseInput(listModelsInput, rawInput);
  const order = modelListOrder(filter);
  const cursor = filter.cursor === undefined ? null : parseModelCursor(filter.cursor, order, filter.sort);
  const where = whereFor(filter);
  const [counted, items] = await Promise.all([
    ctx.db.$queryRaw<{ total: number }[]>`
      SELECT count(*)::int AS total FROM "RegisteredModel" m JOIN "Team" t ON t."id" = m."teamId" ${where}`,
    ctx.db.$queryRaw<ModelListRow[]>`
      WITH page AS (
        SELECT m."id" FROM "RegisteredModel" m JOIN "Team" t ON t."id" = m."teamId"
        ${whereFor(filter, after(filter, cursor))}
        ORDER BY ${orderBy(filter)}
        LIMIT ${filter.pageSize + 1} OFFSET ${(filter.page - 1) * filter.pageSize}
      )
      SELECT m."id", ${sortKey(filter)} AS "sortKey", m."name", t."name" AS "team", m."taskType"::text AS "taskType",
             m."tags", m."latestVersion", m."isDemo", m."createdAt", m."updatedAt",
             (SELECT count(*)::int FROM "ModelVersion" v WHERE v."modelId" = m."id") AS "versionCount",
             COALESCE((SELECT json_agg(json_build_object('alias', a."alias", 'version', v."version") ORDER BY a."alias")
                       FROM "ModelAlias" a JOIN "ModelVersion" v ON v."id" = a."versionId"
                       WHERE a."modelId" = m."id"), '[]'::json) AS "aliases"
      FROM page JOIN "RegisteredModel" m ON m."id" = page."id" JOIN "Team" t ON t."id" = m."teamId"
      ORDER BY ${orderBy(filter)}`,
  ]);
  const shown = items.slice(0, filter.pageSize);
  const last = shown.at(-1);
  return {
    items: shown.map(({ sortKey: _sortKey, ...row }) => ({
      ...row,
      latestVersion: row.latestVersion > 0 ? row.latestVersion : null,
    })),
    total: counted[0]?.total ?? 0,
    page: filter.page,
    pageSize: filter.pageSize,
    nextCursor:
      items.length > filter.pageSize && last ? encodeModelCursor({ order, key: last.sortKey, name: last.name }) : null,
  };
}
