import type { Prisma } from "@/server/db/generated/client";
import { badRequest, conflict, notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import { ensureExperimentNamed } from "@/server/services/experiments/experiments";
import { lockRun } from "@/server/services/experiments/lock-run";
import { parseInput } from "@/server/services/experiments/parse-input";
import { randomRunName } from "@/server/services/experiments/run-names";
import { getRun } from "@/server/services/experiments/run-views";
import {
  createRunInput,
  finishRunInput,
  type CreateRunInput,
  type FinishRunInput,
  type RunDetail,
} from "@/server/services/experiments/schemas";

async function resolveExperimentId(
  tx: Prisma.TransactionClient,
  ctx: ServiceContext,
  input: { experimentId?: string; experimentName?: string },
): Promise<string> {
  if (input.experimentId !== undefined) {
    const experiment = await tx.experiment.findUnique({ where: { id: input.experimentId }, select: { id: true } });
    if (!experiment) throw notFound("Experiment");
    return experiment.id;
  }
  if (input.experimentName !== undefined) return ensureExperimentNamed(tx, ctx, input.experimentName);
  throw badRequest("Give exactly one of experimentId or experimentName");
}

/** Starts a RUNNING run in an experiment given by id, or by name (created when missing). */
export async function createRun(ctx: ServiceContext, rawInput: CreateRunInput): Promise<RunDetail> {
  const input = parseInput(createRunInput, rawInput);
  const runId = await ctx.db.$transaction(async (tx) => {
    const experimentId = await resolveExperimentId(tx, ctx, input);
    const run = await tx.run.create({
      data: {
        experimentId,
        name: input.name ?? randomRunName(),
        userId: ctx.actor.userId,
        gitCommit: input.gitCommit ?? null,
        datasetRef: input.datasetRef ?? null,
        tags: input.tags ?? {},
        ...(input.startTime ? { startTime: input.startTime } : {}),
      },
    });
    await recordAudit(tx, ctx.actor, {
      action: "run.create",
      entityType: "Run",
      entityId: run.id,
      after: {
        experimentId,
        name: run.name,
        gitCommit: run.gitCommit,
        datasetRef: run.datasetRef,
        startTime: run.startTime.toISOString(),
      },
    });
    return run.id;
  });
  return getRun(ctx, runId);
}

/** Ends a RUNNING run with a terminal status. Finishing a run twice is a conflict. */
export async function finishRun(ctx: ServiceContext, runId: string, rawInput: FinishRunInput): Promise<RunDetail> {
  const input = parseInput(finishRunInput, rawInput);
  await ctx.db.$transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    if (run.status !== "RUNNING") throw conflict(`Run ${run.id} has already ended with status ${run.status}`);
    const endTime = input.endTime ?? new Date();
    if (endTime < run.startTime) {
      throw badRequest(`endTime (${endTime.toISOString()}) is before the run started (${run.startTime.toISOString()})`);
    }
    await tx.run.update({ where: { id: run.id }, data: { status: input.status, endTime } });
    await recordAudit(tx, ctx.actor, {
      action: "run.finish",
      entityType: "Run",
      entityId: run.id,
      before: { status: run.status },
      after: { status: input.status, endTime: endTime.toISOString() },
    });
  });
  return getRun(ctx, runId);
}
