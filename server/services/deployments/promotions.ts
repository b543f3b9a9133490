import type { z } from "zod";
import { endpointNameFor } from "@/server/services/endpoints/endpoint-name";
import type { Prisma } from "@/server/db/generated/client";
import { AppError, conflict, forbidden, isUniqueViolation, notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { readMetricsSnapshot } from "@/server/services/registry/metrics-snapshot";
import { evaluateMetricGate } from "@/server/services/deployments/metric-gate";
import { type GateResult, decidePromotionInput, requestPromotionInput } from "@/contracts/deployments";
import { enqueueDeployment } from "@/server/services/deployments/enqueue-deployments";
import { checkLaunchOnRequest } from "@/server/services/deployments/launch-check";
import { checkServingMode, currentModeOf, hostingMismatch } from "@/server/services/deployments/serving-mode-check";
import { priorStateSchema } from "@/server/services/deployments/prior-state";
import type { ServingMode } from "@/contracts/serving-modes";
import { DEPLOYMENT_ACTIVE_STATUSES } from "@/contracts/enums";
import {
  checkGoldenSetGate,
  goldenSetGateOnRequest,
  startGateForDecision,
} from "@/server/services/quality/gate/promotion-gate";
import { enqueueGateEvaluation } from "@/server/jobs/gate-evaluation";
import type {
  DecidePromotionResult,
  PendingPromotions,
  RequestPromotionResult,
  RollbackResult,
} from "@/server/services/deployments/schemas";

const ALIAS_OF_ENVIRONMENT = { STAGING: "staging", PRODUCTION: "production" } as const;

async function productionVersion(tx: Prisma.TransactionClient, modelId: string) {
  const alias = await tx.modelAlias.findUnique({
    where: { modelId_alias: { modelId, alias: "production" } },
    select: { version: { select: { version: true, metricsSnapshot: true } } },
  });
  return alias ? { version: alias.version.version, metrics: readMetricsSnapshot(alias.version.metricsSnapshot) } : null;
}

/** An asynchronous SageMaker endpoint serves one variant: a planned A/B test could not start on it later. */
async function assertNoPlannedTest(tx: Prisma.TransactionClient, endpoint: { id: string; name: string }) {
  const planned = await tx.abTest.findFirst({
    where: { endpointId: endpoint.id, status: "PLANNED" },
    select: { name: true },
  });
  if (planned)
    throw conflict(
      `Endpoint ${endpoint.name} has a planned A/B test ("${planned.name}"); an asynchronous endpoint serves one variant — cancel the test or keep the endpoint real time`,
    );
}

/** Creates the deployment row an approved promotion runs as; the worker picks it up by id. */
async function queueDeployment(tx: Prisma.TransactionClient, promotionId: string) {
  const promotion = await tx.promotion.findUniqueOrThrow({
    where: { id: promotionId },
    select: {
      environment: true,
      target: true,
      servingMode: true,
      version: { select: { modelId: true, version: true, format: true, sla: true, model: { select: { name: true } } } },
    },
  });
  const endpointName = endpointNameFor(promotion.version.model.name, promotion.environment, promotion.target);
  const endpoint = await tx.endpoint.upsert({
    where: {
      modelId_environment_target: {
        modelId: promotion.version.modelId,
        environment: promotion.environment,
        target: promotion.target,
      },
    },
    create: {
      name: endpointName,
      modelId: promotion.version.modelId,
      environment: promotion.environment,
      target: promotion.target,
    },
    update: {},
  });
  // Locked so that an A/B test starting at the same moment is seen here, or sees this deployment (abtests/lifecycle).
  await tx.$queryRaw`SELECT id FROM "Endpoint" WHERE id = ${endpoint.id} FOR UPDATE`;
  const liveTest = await tx.abTest.findFirst({
    where: {
      endpointId: endpoint.id,
      OR: [{ status: { in: ["SHADOW", "RUNNING"] } }, { pendingStatus: { not: null } }],
    },
    select: { name: true },
  });
  if (liveTest)
    throw conflict(
      `Endpoint ${endpoint.name} has a live A/B test ("${liveTest.name}"): stop or conclude it before deploying`,
    );
  if (promotion.servingMode === "ASYNC" && promotion.target === "SAGEMAKER") await assertNoPlannedTest(tx, endpoint);
  // Checked again under the lock: the hosting may have been set since the promotion's own check.
  const locked = await tx.endpoint.findUniqueOrThrow({
    where: { id: endpoint.id },
    select: { componentHosting: true, asyncServing: true },
  });
  const mode = promotion.servingMode ?? currentModeOf(locked);
  const hosting = hostingMismatch(locked.componentHosting, promotion.version, mode);
  if (hosting) throw new AppError("UNPROCESSABLE", hosting.message, hosting.details);
  const busy = conflict(`Endpoint ${endpoint.name} already has a deployment in progress`);
  const active = await tx.deployment.findFirst({
    where: { endpointId: endpoint.id, status: { in: [...DEPLOYMENT_ACTIVE_STATUSES] } },
    select: { id: true },
  });
  if (active) throw busy;
  // Two approvals committing at once both pass the check above; the partial unique index lets only one insert win.
  return tx.deployment
    .create({ data: { promotionId, endpointId: endpoint.id }, select: { id: true } })
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? busy : error;
    });
}

/**
 * Requests that a version be served in an environment. Gates run first: a failing metric gate refuses the request
 * and writes nothing. Production needs a second person's approval; staging is approved at once and queued.
 */
export async function requestPromotion(
  ctx: ServiceContext,
  rawInput: z.input<typeof requestPromotionInput>,
): Promise<RequestPromotionResult> {
  const input = parseInput(requestPromotionInput, rawInput);
  const created = await ctx.db.$transaction((tx) => createPromotion(tx, ctx, input));
  await startPromotionJobs(created);
  return { promotion: created.promotion, deploymentId: created.deploymentId };
}

export type CreatedPromotion = Awaited<ReturnType<typeof createPromotion>>;

/**
 * requestPromotion inside a caller's transaction (an A/B test's "promote the winner" opens the promotion and concludes
 * the test in one). The caller runs startPromotionJobs once the transaction has committed.
 */
export async function createPromotion(
  tx: Prisma.TransactionClient,
  ctx: ServiceContext,
  input: z.infer<typeof requestPromotionInput>,
) {
  const version = await tx.modelVersion.findFirst({
    where: { version: input.version, model: { name: input.modelName } },
    select: {
      id: true,
      version: true,
      modelId: true,
      artifactId: true,
      metricsSnapshot: true,
      format: true,
      llmShape: true,
      weightBytes: true,
      sla: true,
    },
  });
  if (!version) throw notFound(`Version ${input.version} of model "${input.modelName}"`);
  if (!version.artifactId) throw new AppError("BAD_REQUEST", "This version has no artifact to deploy");
  checkLaunchOnRequest(input.target, version);
  const servingMode = input.servingMode ?? null;
  const slaGate = await checkServingMode(tx, ctx.settings, {
    ...input,
    modelId: version.modelId,
    version,
    servingMode,
  });

  const gates: GateResult[] = [];
  if (input.metricGate) {
    gates.push(
      evaluateMetricGate(
        input.metricGate,
        readMetricsSnapshot(version.metricsSnapshot),
        await productionVersion(tx, version.modelId),
      ),
    );
  }
  const golden =
    input.environment === "PRODUCTION"
      ? await goldenSetGateOnRequest(tx, ctx.actor, version.modelId, version.id)
      : null;
  const failed = gates.filter((g) => !g.passed);
  if (failed.length > 0) {
    throw new AppError("UNPROCESSABLE", `Promotion refused by its gates: ${failed.map((g) => g.detail).join("; ")}`, {
      gates,
    });
  }

  const needsApproval = input.environment === "PRODUCTION";
  const promotion = await tx.promotion.create({
    data: {
      versionId: version.id,
      environment: input.environment,
      target: input.target,
      strategy: input.strategy,
      gates: [...gates, ...(slaGate ? [slaGate] : []), ...(golden ? [golden.gate] : [])],
      gateEvaluationId: golden?.evaluationId ?? null,
      servingMode,
      reason: input.reason,
      status: needsApproval ? "PENDING_APPROVAL" : "APPROVED",
      requestedById: ctx.actor.userId,
    },
  });
  const deployment = needsApproval ? null : await queueDeployment(tx, promotion.id);
  await recordAudit(tx, ctx.actor, {
    action: "promotion.request",
    entityType: "Promotion",
    entityId: promotion.id,
    after: {
      model: input.modelName,
      version: input.version,
      environment: input.environment,
      target: input.target,
      servingMode,
      status: promotion.status,
      alias: ALIAS_OF_ENVIRONMENT[input.environment],
    },
  });
  return { promotion, deploymentId: deployment?.id ?? null, queueGate: golden?.enqueue ? golden.evaluationId : null };
}

/** Queues what a committed promotion needs: its deployment (approved at once) and its golden-set evaluation. */
export async function startPromotionJobs(created: CreatedPromotion) {
  if (created.deploymentId) await enqueueDeployment(created.deploymentId);
  if (created.queueGate) await enqueueGateEvaluation(created.queueGate);
}

/** A reviewer or manager other than the requester approves or rejects a pending promotion. */
export async function decidePromotion(
  ctx: ServiceContext,
  rawInput: z.input<typeof decidePromotionInput>,
): Promise<DecidePromotionResult> {
  const input = parseInput(decidePromotionInput, rawInput);
  if (input.approve) await startGateForDecision(ctx, input.promotionId);
  const result = await ctx.db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM "Promotion" WHERE id = ${input.promotionId} FOR UPDATE`;
    if (!locked) throw notFound("Promotion");
    const promotion = await tx.promotion.findUniqueOrThrow({ where: { id: input.promotionId } });
    if (promotion.status !== "PENDING_APPROVAL")
      throw conflict(`This promotion is ${promotion.status.toLowerCase().replace("_", " ")}, not pending approval`);
    if (promotion.requestedById === ctx.actor.userId)
      throw forbidden("A promotion needs a second person: you cannot approve your own request");

    const version = await tx.modelVersion.findUniqueOrThrow({
      where: { id: promotion.versionId },
      select: { modelId: true, version: true, format: true, sla: true },
    });
    // The SLA may have changed since the request: what is approved must still fit the mode.
    if (input.approve) await checkServingMode(tx, ctx.settings, { ...promotion, modelId: version.modelId, version });
    const gate =
      input.approve && promotion.environment === "PRODUCTION"
        ? await checkGoldenSetGate(tx, ctx.actor, { ...promotion, modelId: version.modelId }, input)
        : { evaluationId: promotion.gateEvaluationId, overridden: false };
    await tx.approval.create({
      data: {
        promotionId: promotion.id,
        approverId: ctx.actor.userId,
        approved: input.approve,
        comment: input.comment,
        overridesGate: gate.overridden,
      },
    });
    const status = input.approve ? ("APPROVED" as const) : ("REJECTED" as const);
    await tx.promotion.update({ where: { id: promotion.id }, data: { status, gateEvaluationId: gate.evaluationId } });
    const deployment = input.approve ? await queueDeployment(tx, promotion.id) : null;
    await recordAudit(tx, ctx.actor, {
      action: input.approve ? "promotion.approve" : "promotion.reject",
      entityType: "Promotion",
      entityId: promotion.id,
      before: { status: promotion.status },
      after: { status, comment: input.comment, ...(gate.overridden && { gateOverridden: true }) },
    });
    return { status, deploymentId: deployment?.id ?? null };
  });
  if (result.deploymentId) await enqueueDeployment(result.deploymentId);
  return result;
}

/** Promotions waiting for a second person, oldest first. */
export async function listPendingPromotions(ctx: ReadContext): Promise<PendingPromotions> {
  return ctx.db.promotion.findMany({
    where: { status: "PENDING_APPROVAL" },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      environment: true,
      target: true,
      servingMode: true,
      strategy: true,
      gates: true,
      reason: true,
      createdAt: true,
      requestedBy: { select: { id: true, name: true } },
      version: { select: { version: true, model: { select: { name: true } } } },
      abTest: { select: { id: true, name: true } },
    },
  });
}

/** The serving mode a release's recorded prior state shows (null: recorded before modes were promoted). */
function modeServedBefore(priorState: unknown): ServingMode | null {
  const prior = priorStateSchema.safeParse(priorState);
  if (!prior.success || prior.data.asyncServing === undefined) return null;
  return prior.data.asyncServing === null ? "REALTIME" : "ASYNC";
}

/**
 * One click back to the version that served the endpoint before its latest successful deployment. The version was
 * approved when it went live, so the rollback needs no new approval; it is a promotion of its own, deployed all at
 * once in the serving mode that version served in (its SLA checked against it), audited with who asked and why.
 */
export async function rollBackEndpoint(
  ctx: ServiceContext,
  input: { endpointId: string; reason: string },
): Promise<RollbackResult> {
  const reason = input.reason.trim();
  if (reason === "") throw new AppError("BAD_REQUEST", "Say why you are rolling back");
  const result = await ctx.db.$transaction(async (tx) => {
    const endpoint = await tx.endpoint.findUnique({
      where: { id: input.endpointId },
      select: { id: true, name: true, environment: true, target: true, modelId: true },
    });
    if (!endpoint) throw notFound("Endpoint");
    const succeeded = await tx.deployment.findMany({
      where: { endpointId: endpoint.id, status: "SUCCEEDED" },
      orderBy: { finishedAt: "desc" },
      select: {
        priorState: true,
        promotion: {
          select: {
            versionId: true,
            servingMode: true,
            version: { select: { version: true, format: true, sla: true } },
          },
        },
      },
    });
    const current = succeeded[0]?.promotion;
    const at = succeeded.findIndex((d) => d.promotion.versionId !== current?.versionId);
    const previous = succeeded[at]?.promotion;
    if (!current || !previous) throw conflict(`${endpoint.name} has no earlier healthy version to roll back to`);
    // The mode the previous version served in: on SageMaker as the release that replaced it recorded it (a mode set
    // on the endpoint page counts too); elsewhere the mode it was promoted in.
    const servingMode =
      endpoint.target === "SAGEMAKER" ? modeServedBefore(succeeded[at - 1]?.priorState) : previous.servingMode;
    await checkServingMode(tx, ctx.settings, { ...endpoint, version: previous.version, servingMode });
    const promotion = await tx.promotion.create({
      data: {
        versionId: previous.versionId,
        environment: endpoint.environment,
        target: endpoint.target,
        strategy: { kind: "all-at-once" },
        reason: `Rollback from v${current.version.version}: ${reason}`.slice(0, 1000),
        status: "APPROVED",
        requestedById: ctx.actor.userId,
        servingMode,
      },
    });
    const deployment = await queueDeployment(tx, promotion.id);
    await recordAudit(tx, ctx.actor, {
      action: "endpoint.rollback",
      entityType: "Endpoint",
      entityId: endpoint.id,
      before: { version: current.version.version },
      after: { version: previous.version.version, promotionId: promotion.id, reason },
    });
    return { deploymentId: deployment.id, version: previous.version.version };
  });
  await enqueueDeployment(result.deploymentId);
  return result;
}
