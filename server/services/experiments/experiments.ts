import { createExperimentInput } from "@/contracts/experiments";
import { Prisma } from "@/server/db/generated/client";
import { AppError, isUniqueViolation, notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { experimentKeys } from "@/server/services/experiments/experiment-keys";
import { parseInput } from "@/server/services/experiments/parse-input";
import {
  listExperimentsInput,
  type CreateExperimentInput,
  type ExperimentDetail,
  type ExperimentList,
  type ExperimentSummary,
  type ListExperimentsInput,
} from "@/server/services/experiments/schemas";

const duplicateName = (name: string) => new AppError("CONFLICT", `An experiment named "${name}" already exists`);

async function actorTeamId(tx: Prisma.TransactionClient, ctx: ServiceContext): Promise<string | null> {
  const user = await tx.user.findUniqueOrThrow({ where: { id: ctx.actor.userId }, select: { teamId: true } });
  return user.teamId;
}

/** The named team (whose membership the caller's ownership check has decided), else the creator's team. */
async function owningTeamId(tx: Prisma.TransactionClient, ctx: ServiceContext, teamName: string | undefined) {
  if (teamName === undefined) return actorTeamId(tx, ctx);
  const team = await tx.team.findUnique({ where: { name: teamName }, select: { id: true } });
  if (!team) throw notFound(`Team "${teamName}"`);
  return team.id;
}

async function auditExperimentCreated(
  tx: Prisma.TransactionClient,
  ctx: ServiceContext,
  experiment: { id: string; name: string; description: string; teamId: string | null },
) {
  await recordAudit(tx, ctx.actor, {
    action: "experiment.create",
    entityType: "Experiment",
    entityId: experiment.id,
    after: { name: experiment.name, description: experiment.description, teamId: experiment.teamId },
  });
}

/**
 * The id of the experiment with this name, creating it (owned by the actor's team) when missing, like
 * `mlflow.set_experiment`. Safe against a concurrent creation of the same name.
 */
export async function ensureExperimentNamed(tx: Prisma.TransactionClient, ctx: ServiceContext, name: string) {
  const existing = await tx.experiment.findUnique({ where: { name }, select: { id: true } });
  if (existing) return existing.id;
  const { count } = await tx.experiment.createMany({
    data: [{ name, teamId: await actorTeamId(tx, ctx), createdById: ctx.actor.userId }],
    skipDuplicates: true,
  });
  const experiment = await tx.experiment.findUniqueOrThrow({ where: { name } });
  if (count === 1) await auditExperimentCreated(tx, ctx, experiment);
  return experiment.id;
}

export async function createExperiment(
  ctx: ServiceContext,
  rawInput: CreateExperimentInput,
): Promise<ExperimentSummary> {
  const input = parseInput(createExperimentInput, rawInput);
  const existing = await ctx.db.experiment.findUnique({ where: { name: input.name }, select: { id: true } });
  if (existing) throw duplicateName(input.name);
  const insert = async (tx: Prisma.TransactionClient) => {
    const experiment = await tx.experiment.create({
      data: {
        name: input.name,
        description: input.description ?? "",
        teamId: await owningTeamId(tx, ctx, input.team),
        createdById: ctx.actor.userId,
      },
    });
    await auditExperimentCreated(tx, ctx, experiment);
    return experiment;
  };
  const experiment = await ctx.db.$transaction(insert).catch((error: unknown) => {
    throw isUniqueViolation(error) ? duplicateName(input.name) : error;
  });
  return experimentSummary(ctx, experiment.id);
}

async function experimentSummaries(ctx: ReadContext, where: Prisma.Sql, limit: number, offset: number) {
  return ctx.db.$queryRaw<ExperimentSummary[]>(Prisma.sql`
    SELECT e."id", e."name", e."description", t."name" AS "teamName", e."isDemo", e."createdAt",
           COALESCE(stats."runCount", 0)::int AS "runCount", stats."lastRunAt"
    FROM "Experiment" e
    LEFT JOIN "Team" t ON t."id" = e."teamId"
    LEFT JOIN LATERAL (
      SELECT count(*) AS "runCount", max(r."startTime") AS "lastRunAt" FROM "Run" r WHERE r."experimentId" = e."id"
    ) stats ON TRUE
    WHERE ${where}
    ORDER BY COALESCE(stats."lastRunAt", e."createdAt") DESC, e."id"
    LIMIT ${limit} OFFSET ${offset}`);
}

/** Escapes LIKE wildcards so a search for "50%" means the characters, not a pattern. */
export function likeContains(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listExperiments(ctx: ReadContext, rawInput: ListExperimentsInput): Promise<ExperimentList> {
  const input = parseInput(listExperimentsInput, rawInput);
  const where = input.search ? Prisma.sql`e."name" ILIKE ${likeContains(input.search)}` : Prisma.sql`TRUE`;
  const [items, counted] = await Promise.all([
    experimentSummaries(ctx, where, input.pageSize, (input.page - 1) * input.pageSize),
    ctx.db.$queryRaw<{ total: number }[]>(Prisma.sql`SELECT count(*)::int AS total FROM "Experiment" e WHERE ${where}`),
  ]);
  return { items, total: counted[0]?.total ?? 0, page: input.page, pageSize: input.pageSize };
}

async function experimentSummary(ctx: ReadContext, experimentId: string): Promise<ExperimentSummary> {
  const [summary] = await experimentSummaries(ctx, Prisma.sql`e."id" = ${experimentId}`, 1, 0);
  if (!summary) throw notFound("Experiment");
  return summary;
}

export async function getExperiment(ctx: ReadContext, experimentId: string): Promise<ExperimentDetail> {
  const summary = await experimentSummary(ctx, experimentId);
  const keys = await experimentKeys(ctx, experimentId);
  return { ...summary, ...keys };
}
