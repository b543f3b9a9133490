import { gateMetricResultSchema, gateRuleSchema } from "@/contracts/golden-sets";
import type { Prisma } from "@/server/db/generated/client";
import { notFound } from "@/server/errors";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { enqueueGateEvaluation } from "@/server/jobs/gate-evaluation";
import { ensureGateEvaluation, gateRequirement } from "@/server/services/quality/gate/gate-requirement";
import type { GateEvaluationView, VersionGate } from "@/server/services/quality/gate/schemas";

const EVALUATION_INCLUDE = {
  candidate: { select: { version: true } },
  champion: { select: { version: true } },
  goldenSet: { select: { id: true, name: true, version: true, rowCount: true } },
} as const;

type EvaluationRow = Prisma.GateEvaluationGetPayload<{ include: typeof EVALUATION_INCLUDE }>;

function toView(row: EvaluationRow): GateEvaluationView {
  return {
    id: row.id,
    status: row.status,
    candidateVersion: row.candidate.version,
    championVersion: row.champion?.version ?? null,
    goldenSet: row.goldenSet,
    goldenSetHash: row.goldenSetHash,
    rule: gateRuleSchema.parse(row.rule),
    metrics: gateMetricResultSchema.array().parse(row.metrics),
    warnings: row.warnings,
    error: row.error,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

async function versionRow(ctx: ReadContext, input: { modelName: string; version: number }) {
  const version = await ctx.db.modelVersion.findFirst({
    where: { version: input.version, model: { name: input.modelName } },
    select: { id: true, modelId: true },
  });
  if (!version) throw notFound(`Version ${input.version} of model "${input.modelName}"`);
  return version;
}

/**
 * The gate as a promotion of this version would meet it now: not configured (and why), or the evaluation for the
 * current champion, golden set and rule (`current`), else the version's latest evaluation, else none yet.
 */
export async function versionGate(
  ctx: ReadContext,
  input: { modelName: string; version: number },
): Promise<VersionGate> {
  const version = await versionRow(ctx, input);
  const requirement = await gateRequirement(ctx.db, version.modelId, version.id);
  if (!requirement.configured) return { configured: false, detail: requirement.detail };
  const current = await ctx.db.gateEvaluation.findUnique({
    where: { key: requirement.key },
    include: EVALUATION_INCLUDE,
  });
  if (current) return { configured: true, evaluation: toView(current), current: true };
  const latest = await ctx.db.gateEvaluation.findFirst({
    where: { candidateVersionId: version.id },
    orderBy: { createdAt: "desc" },
    include: EVALUATION_INCLUDE,
  });
  return { configured: true, evaluation: latest && toView(latest), current: false };
}

/** Runs the gate for a version now (before requesting its promotion): idempotent, an ERROR is run again. */
export async function startGateEvaluation(ctx: ServiceContext, input: { modelName: string; version: number }) {
  const version = await versionRow(ctx, input);
  const started = await ctx.db.$transaction(async (tx) => {
    const requirement = await gateRequirement(tx, version.modelId, version.id);
    return requirement.configured ? ensureGateEvaluation(tx, ctx.actor, requirement) : null;
  });
  if (started?.enqueue) await enqueueGateEvaluation(started.evaluation.id);
  return versionGate(ctx, input);
}
