import type { GateResult } from "@/contracts/deployments";
import type { Prisma } from "@/server/db/generated/client";
import type { Actor } from "@/server/auth/actor";
import { AppError, badRequest, conflict } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { AuditedContext } from "@/server/services/context";
import { enqueueGateEvaluation } from "@/server/jobs/gate-evaluation";
import { ensureGateEvaluation, gateRequirement } from "@/server/services/quality/gate/gate-requirement";

/*
 * The golden-set gate on production promotions. Invariants:
 * - a production promotion of a model with a golden set and a gate rule is approved only on a PASSED evaluation of
 *   (candidate, the champion at approval time, the latest golden set, the current rule), or on a FAILED one that an
 *   approver other than the requester overrides with a reason (audited);
 * - QUEUED, RUNNING and ERROR never let a promotion through; nothing is silently passed: a model without a golden set
 *   or rule gets a "not configured" gate entry saying so.
 * The promotion stays PENDING_APPROVAL while the gate runs (requesting starts the evaluation): the existing state
 * machine already waits for a person there, so the gate adds no state of its own.
 */

const STATUS_DETAIL: Record<string, string> = {
  QUEUED: "Golden-set gate queued",
  RUNNING: "Golden-set gate running",
  PASSED: "Golden-set gate passed",
  FAILED: "Golden-set gate failed",
  ERROR: "Golden-set gate could not run",
};

/** On a production request: the gate's entry for Promotion.gates, and the evaluation to queue after commit. */
export async function goldenSetGateOnRequest(
  tx: Prisma.TransactionClient,
  actor: Actor,
  modelId: string,
  candidateVersionId: string,
): Promise<{ gate: GateResult; evaluationId: string | null; enqueue: boolean }> {
  const requirement = await gateRequirement(tx, modelId, candidateVersionId);
  if (!requirement.configured)
    return {
      gate: { gate: "golden-set", passed: true, status: "NOT_CONFIGURED", detail: requirement.detail },
      evaluationId: null,
      enqueue: false,
    };
  const { evaluation, enqueue } = await ensureGateEvaluation(tx, actor, requirement);
  const on = `golden set "${requirement.goldenSet.name}" v${requirement.goldenSet.version}`;
  return {
    gate: {
      gate: "golden-set",
      passed: evaluation.status === "PASSED",
      status: evaluation.status,
      evaluationId: evaluation.id,
      detail: `${STATUS_DETAIL[evaluation.status]} on ${on}${requirement.championVersionId ? "" : " (no champion: bounds only)"}`,
    },
    evaluationId: evaluation.id,
    enqueue,
  };
}

/**
 * Before an approval's transaction: makes sure the evaluation the approval will need exists (the champion, golden
 * set or rule may have changed since the request) and is queued, in a transaction of its own so that it survives the
 * approval being refused for waiting on it.
 */
export async function startGateForDecision(ctx: AuditedContext, promotionId: string) {
  const started = await ctx.db.$transaction(async (tx) => {
    const promotion = await tx.promotion.findUnique({
      where: { id: promotionId },
      select: { environment: true, status: true, versionId: true, version: { select: { modelId: true } } },
    });
    if (!promotion || promotion.environment !== "PRODUCTION" || promotion.status !== "PENDING_APPROVAL") return null;
    const requirement = await gateRequirement(tx, promotion.version.modelId, promotion.versionId);
    return requirement.configured ? ensureGateEvaluation(tx, ctx.actor, requirement) : null;
  });
  if (started?.enqueue) await enqueueGateEvaluation(started.evaluation.id);
}

/**
 * In an approval's transaction: refuses while the gate has no verdict, refuses a FAILED gate unless overridden with
 * a reason, and audits an override. Answers the evaluation decided on (null: gate not configured).
 */
export async function checkGoldenSetGate(
  tx: Prisma.TransactionClient,
  actor: Actor,
  promotion: { id: string; versionId: string; modelId: string },
  decision: { overrideGate: boolean; comment: string },
): Promise<{ evaluationId: string | null; overridden: boolean }> {
  const requirement = await gateRequirement(tx, promotion.modelId, promotion.versionId);
  if (!requirement.configured) return { evaluationId: null, overridden: false };
  const evaluation = await tx.gateEvaluation.findUnique({ where: { key: requirement.key } });
  if (!evaluation || evaluation.status === "QUEUED" || evaluation.status === "RUNNING")
    throw conflict("The golden-set gate is still running for this promotion: approve once it has finished");
  if (evaluation.status === "ERROR")
    throw conflict(
      `The golden-set gate could not run (${evaluation.error ?? "unknown error"}); it has been queued again`,
    );
  if (evaluation.status === "PASSED") return { evaluationId: evaluation.id, overridden: false };
  if (!decision.overrideGate)
    throw new AppError(
      "UNPROCESSABLE",
      "The golden-set gate FAILED: an approver other than the requester may override it with a reason",
      { code: "GOLDEN_SET_GATE_FAILED", evaluationId: evaluation.id },
    );
  if (decision.comment.trim() === "") throw badRequest("Say why you override the failed golden-set gate");
  await recordAudit(tx, actor, {
    action: "promotion.gate-override",
    entityType: "Promotion",
    entityId: promotion.id,
    before: { gate: "FAILED", evaluationId: evaluation.id },
    after: { reason: decision.comment.trim(), evaluationId: evaluation.id },
  });
  return { evaluationId: evaluation.id, overridden: true };
}
