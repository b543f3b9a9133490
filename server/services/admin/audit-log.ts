import { z } from "zod";
import type { Prisma } from "@/server/db/generated/client";
import { badRequest } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";
import { resolveAuditEntities } from "@/server/services/admin/audit-entities";
import { parseInput } from "@/server/services/parse-input";
import {
  auditFiltersInput,
  listAuditInput,
  type auditFacetsOutput,
  type auditPageOutput,
} from "@/server/services/admin/schemas";

type AuditFilters = z.infer<typeof auditFiltersInput>;

function filterWhere(filters: AuditFilters): Prisma.AuditLogWhereInput {
  return {
    action: filters.action,
    entityType: filters.entityType,
    entityId: filters.entityId,
    actorId: filters.actorId,
    createdAt: filters.from || filters.to ? { gte: filters.from, lt: filters.to } : undefined,
  };
}

const rowSelect = {
  id: true,
  action: true,
  entityType: true,
  entityId: true,
  before: true,
  after: true,
  createdAt: true,
  tokenId: true,
  actor: { select: { id: true, name: true, email: true } },
} as const satisfies Prisma.AuditLogSelect;

/** Newest first, keyset-paginated on the id (monotonic, and the primary key, so deep pages stay cheap). */
export async function listAuditLog(
  ctx: ReadContext,
  input: z.input<typeof listAuditInput>,
): Promise<z.infer<typeof auditPageOutput>> {
  const { before, after, pageSize, ...filters } = parseInput(listAuditInput, input);
  if (before && after) throw badRequest("Pass either before or after, not both");
  if (filters.from && filters.to && filters.from >= filters.to)
    throw badRequest("The date range ends before it starts");
  const where = filterWhere(filters);

  const fetched = await ctx.db.auditLog.findMany({
    where: { ...where, id: after ? { gt: BigInt(after) } : before ? { lt: BigInt(before) } : undefined },
    orderBy: { id: after ? "asc" : "desc" },
    take: pageSize + 1,
    select: rowSelect,
  });
  const overflow = fetched.length > pageSize;
  const page = fetched.slice(0, pageSize);
  if (after) page.reverse();

  const newest = page[0]?.id;
  const oldest = page.at(-1)?.id;
  const [hasNewer, hasOlder] = await Promise.all([
    after ? overflow : before !== undefined && newest !== undefined && exists(ctx, { ...where, id: { gt: newest } }),
    after ? oldest !== undefined && exists(ctx, { ...where, id: { lt: oldest } }) : overflow,
  ]);

  const [entities, tokens] = await Promise.all([
    resolveAuditEntities(ctx, page),
    tokenNames(
      ctx,
      page.map((row) => row.tokenId),
    ),
  ]);
  const rows = page.map((row) => ({
    ...row,
    id: row.id.toString(),
    token: row.tokenId ? (tokens.get(row.tokenId) ?? { id: row.tokenId, name: null, prefix: null }) : null,
    entity: entities.get(`${row.entityType}:${row.entityId}`) ?? null,
  }));
  return {
    rows,
    newerCursor: hasNewer && newest !== undefined ? newest.toString() : null,
    olderCursor: hasOlder && oldest !== undefined ? oldest.toString() : null,
  };
}

async function exists(ctx: ReadContext, where: Prisma.AuditLogWhereInput) {
  return (await ctx.db.auditLog.findFirst({ where, select: { id: true } })) !== null;
}

async function tokenNames(ctx: ReadContext, tokenIds: (string | null)[]) {
  const ids = [...new Set(tokenIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map<string, { id: string; name: string | null; prefix: string | null }>();
  const tokens = await ctx.db.apiToken.findMany({
    where: { id: { in: ids } },
    select: { id: true, name: true, prefix: true },
  });
  return new Map(tokens.map((t) => [t.id, t]));
}

/** Values for the filter menus: the actions, entity types and people that occur in the log. */
export async function auditFacets(ctx: ReadContext): Promise<z.infer<typeof auditFacetsOutput>> {
  const [actions, entityTypes, actors] = await Promise.all([
    ctx.db.auditLog.groupBy({ by: ["action"], orderBy: { action: "asc" } }),
    ctx.db.auditLog.groupBy({ by: ["entityType"], orderBy: { entityType: "asc" } }),
    ctx.db.auditLog.groupBy({ by: ["actorId"], where: { actorId: { not: null } } }),
  ]);
  const people = await ctx.db.user.findMany({
    where: { id: { in: actors.map((a) => a.actorId).filter((id): id is string => id !== null) } },
    select: { id: true, name: true, email: true },
    orderBy: { name: "asc" },
  });
  return {
    actions: actions.map((a) => a.action),
    entityTypes: entityTypes.map((e) => e.entityType),
    actors: people,
  };
}
