import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { createRun } from "@/server/services/experiments/runs";
import { logBatch } from "@/server/services/experiments/log-batch";
import { uploadArtifact } from "@/server/services/artifacts/upload-artifact";
import { createModel } from "@/server/services/registry/create-model";
import { registerVersion } from "@/server/services/registry/register-version";
import { moveAliasForRelease } from "@/server/services/registry/set-alias";
import { decidePromotion, listPendingPromotions, requestPromotion } from "@/server/services/deployments/promotions";
import type { ServiceContext } from "@/server/services/context";
import { givenUser } from "@/tests/integration/fixtures";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";
import { onnxModel } from "@/tests/integration/support/model-artifacts";

let counter = 0;

async function givenVersion(ctx: ServiceContext, modelName: string, auc: number) {
  const run = await createRun(ctx, { experimentName: `${modelName}-training`, name: `run-${++counter}` });
  await logBatch(ctx, run.id, { metrics: [{ key: "auc", value: auc, step: 0 }] });
  await uploadArtifact(ctx, {
    runId: run.id,
    path: "model.onnx",
    body: new Blob([new Uint8Array(onnxModel())]).stream(),
  });
  return registerVersion(ctx, modelName, { runId: run.id, artifactPath: "model.onnx", format: "ONNX" });
}

/** A version without an artifact, as the registry accepted before every version needed one. */
async function givenLegacyVersionWithoutArtifact(ctx: ServiceContext, modelName: string) {
  const model = await db().registeredModel.update({
    where: { name: modelName },
    data: { latestVersion: { increment: 1 } },
  });
  const run = await createRun(ctx, { experimentName: `${modelName}-training`, name: `run-${++counter}` });
  await db().modelVersion.create({
    data: {
      modelId: model.id,
      version: model.latestVersion,
      format: "ONNX",
      sourceRunId: run.id,
      createdById: ctx.actor.userId,
    },
  });
}

async function givenModel() {
  const scientist = await givenUser("DATA_SCIENTIST");
  const name = `promo-${Date.now().toString(36)}-${++counter}`;
  await createModel(scientist.ctx, { name, team: scientist.team.name, taskType: "CLASSIFICATION" });
  return { scientist, name };
}

const counts = async () => ({
  promotions: await db().promotion.count(),
  deployments: await db().deployment.count(),
  approvals: await db().approval.count(),
  audit: await db().auditLog.count({ where: { entityType: "Promotion" } }),
});

const canary = { kind: "canary", canaryPercent: 10, bakeSeconds: 60 } as const;

describe("promotions", () => {
  it("queues a staging deployment at once, but holds production for a second person", async () => {
    const { scientist, name } = await givenModel();
    await givenVersion(scientist.ctx, name, 0.9);

    const staging = await requestPromotion(scientist.ctx, {
      modelName: name,
      version: 1,
      environment: "STAGING",
      target: "LOCAL",
      strategy: { kind: "all-at-once" },
      reason: "try it",
    });
    expect(staging.promotion.status).toBe("APPROVED");
    expect(staging.deploymentId).not.toBeNull();
    const deployment = await db().deployment.findUniqueOrThrow({
      where: { id: staging.deploymentId! },
      include: { endpoint: true },
    });
    expect(deployment).toMatchObject({
      status: "QUEUED",
      endpoint: { name: `${name}-staging-local`, environment: "STAGING", target: "LOCAL" },
    });

    const production = await requestPromotion(scientist.ctx, {
      modelName: name,
      version: 1,
      environment: "PRODUCTION",
      target: "LOCAL",
      strategy: canary,
      reason: "ship it",
    });
    expect(production.promotion.status).toBe("PENDING_APPROVAL");
    expect(production.deploymentId).toBeNull();
    const pending = await listPendingPromotions({ db: db() });
    expect(pending.map((p) => p.id)).toContain(production.promotion.id);
    expect(await (await trpcCallerFor(scientist.user.id)).deployments.pending()).toEqual(pending);
  });

  it("refuses the requester's own approval and writes nothing", async () => {
    const { scientist, name } = await givenModel();
    await givenVersion(scientist.ctx, name, 0.9);
    const { promotion } = await requestPromotion(scientist.ctx, {
      modelName: name,
      version: 1,
      environment: "PRODUCTION",
      target: "LOCAL",
      strategy: canary,
      reason: "ship it",
    });
    const before = await counts();
    await expect(decidePromotion(scientist.ctx, { promotionId: promotion.id, approve: true })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/second person/),
    });
    expect(await counts()).toEqual(before);
    expect((await db().promotion.findUniqueOrThrow({ where: { id: promotion.id } })).status).toBe("PENDING_APPROVAL");
  });

  it("lets a reviewer approve once, queueing the deployment and auditing the decision", async () => {
    const { scientist, name } = await givenModel();
    const reviewer = await givenUser("REVIEWER");
    await givenVersion(scientist.ctx, name, 0.9);
    const { promotion } = await requestPromotion(scientist.ctx, {
      modelName: name,
      version: 1,
      environment: "PRODUCTION",
      target: "SAGEMAKER",
      strategy: canary,
      reason: "ship it",
    });

    const decided = await decidePromotion(reviewer.ctx, {
      promotionId: promotion.id,
      approve: true,
      comment: "looks good",
    });
    expect(decided.status).toBe("APPROVED");
    expect(await db().deployment.findUniqueOrThrow({ where: { id: decided.deploymentId! } })).toMatchObject({
      status: "QUEUED",
      promotionId: promotion.id,
    });
    const audit = await db().auditLog.findFirstOrThrow({
      where: { entityId: promotion.id, action: "promotion.approve" },
    });
    expect(audit).toMatchObject({
      actorId: reviewer.user.id,
      before: { status: "PENDING_APPROVAL" },
      after: { status: "APPROVED", comment: "looks good" },
    });

    const before = await counts();
    await expect(decidePromotion(reviewer.ctx, { promotionId: promotion.id, approve: false })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await counts()).toEqual(before);
  });

  it("rejects without deploying", async () => {
    const { scientist, name } = await givenModel();
    const manager = await givenUser("MANAGER");
    await givenVersion(scientist.ctx, name, 0.9);
    const { promotion } = await requestPromotion(scientist.ctx, {
      modelName: name,
      version: 1,
      environment: "PRODUCTION",
      target: "KUBERNETES",
      strategy: { kind: "linear", stepPercent: 25, stepBakeSeconds: 30 },
      reason: "ship it",
    });
    const decided = await decidePromotion(manager.ctx, {
      promotionId: promotion.id,
      approve: false,
      comment: "needs the golden set first",
    });
    expect(decided).toEqual({ status: "REJECTED", deploymentId: null });
    expect(await db().deployment.count({ where: { promotionId: promotion.id } })).toBe(0);
  });

  it("refuses a candidate that is worse than production on the gated metric, writing nothing", async () => {
    const { scientist, name } = await givenModel();
    await givenVersion(scientist.ctx, name, 0.92);
    await givenVersion(scientist.ctx, name, 0.88);
    await moveAliasForRelease(scientist.ctx, name, "production", { version: 1, reason: "baseline" });
    const before = await counts();
    const gate = { metric: "auc", higherIsBetter: true, tolerance: 0.01 };
    await expect(
      requestPromotion(scientist.ctx, {
        modelName: name,
        version: 2,
        environment: "PRODUCTION",
        target: "LOCAL",
        strategy: canary,
        reason: "ship it",
        metricGate: gate,
      }),
    ).rejects.toMatchObject({
      code: "UNPROCESSABLE",
      message: expect.stringMatching(/auc 0.88 vs 0.92 in production v1/),
    });
    expect(await counts()).toEqual(before);

    const within = await requestPromotion(scientist.ctx, {
      modelName: name,
      version: 2,
      environment: "PRODUCTION",
      target: "LOCAL",
      strategy: canary,
      reason: "ship it",
      metricGate: { ...gate, tolerance: 0.05 },
    });
    expect(within.promotion.gates).toEqual([
      expect.objectContaining({ gate: "metric", passed: true, candidate: 0.88, production: 0.92 }),
      // A model without a golden set says so rather than passing silently.
      expect.objectContaining({ gate: "golden-set", passed: true, status: "NOT_CONFIGURED" }),
    ]);
  });

  it("refuses bad requests clearly: unknown version, no artifact, bad strategy, a second deployment in flight", async () => {
    const { scientist, name } = await givenModel();
    await givenLegacyVersionWithoutArtifact(scientist.ctx, name);
    await givenVersion(scientist.ctx, name, 0.91);
    const before = await counts();
    const base = {
      modelName: name,
      environment: "STAGING",
      target: "LOCAL",
      strategy: { kind: "all-at-once" },
      reason: "try",
    } as const;
    await expect(requestPromotion(scientist.ctx, { ...base, version: 9 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(requestPromotion(scientist.ctx, { ...base, version: 1 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/no artifact/),
    });
    await expect(
      requestPromotion(scientist.ctx, {
        ...base,
        version: 2,
        strategy: { kind: "canary", canaryPercent: 100, bakeSeconds: 1 },
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await counts()).toEqual(before);

    await requestPromotion(scientist.ctx, { ...base, version: 2 });
    const afterFirst = await counts();
    await expect(requestPromotion(scientist.ctx, { ...base, version: 2 })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/in progress/),
    });
    expect(await counts()).toEqual(afterFirst);
  });
});

describe("promotion procedures", () => {
  it("enforce roles on the server: a data scientist cannot approve, a viewer cannot request", async () => {
    const { scientist, name } = await givenModel();
    await givenVersion(scientist.ctx, name, 0.9);
    const otherScientist = await givenUser("DATA_SCIENTIST");
    const viewer = await givenUser("VIEWER");
    const request = {
      modelName: name,
      version: 1,
      environment: "PRODUCTION",
      target: "LOCAL",
      strategy: canary,
      reason: "ship it",
    } as const;

    await expect((await trpcCallerFor(viewer.user.id)).deployments.requestPromotion(request)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const { promotion } = await (await trpcCallerFor(scientist.user.id)).deployments.requestPromotion(request);
    const before = await counts();
    await expect(
      (await trpcCallerFor(otherScientist.user.id)).deployments.decide({ promotionId: promotion.id, approve: true }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await counts()).toEqual(before);

    const reviewer = await givenUser("REVIEWER");
    const decided = await (
      await trpcCallerFor(reviewer.user.id)
    ).deployments.decide({ promotionId: promotion.id, approve: true });
    const view = await (await trpcCallerFor(viewer.user.id)).deployments.get({ id: decided.deploymentId! });
    expect(view).toMatchObject({
      status: "QUEUED",
      progress: 0,
      promotion: { approvals: [{ approved: true, approver: { id: reviewer.user.id } }] },
    });
  });
});
