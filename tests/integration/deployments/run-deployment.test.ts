import { type GuardrailReading } from "@/server/integrations/targets/guardrail-source";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { systemContextFromEnv } from "@/server/context-from-env";
import { uploadArtifact } from "@/server/services/artifacts/upload-artifact";
import type { ServiceContext } from "@/server/services/context";
import { getDeployment, listDeployments } from "@/server/services/deployments/deployment-views";
import { decidePromotion, requestPromotion, rollBackEndpoint } from "@/server/services/deployments/promotions";
import { runDeployment, type DeploymentRuntime } from "@/server/services/deployments/run-deployment";
import { createRun } from "@/server/services/experiments/runs";
import { createModel } from "@/server/services/registry/create-model";
import { registerVersion } from "@/server/services/registry/register-version";
import { givenUser } from "@/tests/integration/fixtures";
import { InMemoryTarget } from "@/tests/integration/deployments/in-memory-target";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";
import { onnxModelFor } from "@/tests/integration/support/model-artifacts";

const signature = {
  inputs: [{ name: "amount", type: "float32" as const }],
  outputs: [{ name: "score", type: "float32" as const }],
};
let counter = 0;
let target: InMemoryTarget;
let readings: Record<string, GuardrailReading>;

function runtime(): DeploymentRuntime {
  return {
    target: () => target,
    artifactUri: (artifact) => `/artifacts/${artifact.sha256}`,
    artifactExists: (sha256) => systemContextFromEnv().artifacts.exists(sha256),
    guardrails: { read: async (_endpoint, variant) => readings[variant] ?? { requests: 0, errorRate: 0, p99Ms: null } },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    healthTimeoutMs: 1000,
    guardrailPollMs: 20,
  };
}

async function givenModelWithVersions(count: number) {
  const scientist = await givenUser("DATA_SCIENTIST");
  const reviewer = await givenUser("REVIEWER");
  const name = `deploy-${Date.now().toString(36)}-${++counter}`;
  await createModel(scientist.ctx, { name, team: scientist.team.name, taskType: "CLASSIFICATION" });
  for (let i = 0; i < count; i++) {
    const run = await createRun(scientist.ctx, { experimentName: `${name}-training` });
    await uploadArtifact(scientist.ctx, {
      runId: run.id,
      path: "model.onnx",
      body: new Blob([new Uint8Array(onnxModelFor(signature))]).stream(),
    });
    await registerVersion(scientist.ctx, name, {
      runId: run.id,
      artifactPath: "model.onnx",
      format: "ONNX",
      signature,
    });
  }
  return { scientist, reviewer, name };
}

async function approvedProduction(
  scientist: ServiceContext,
  reviewer: ServiceContext,
  name: string,
  version: number,
  strategy: Parameters<typeof requestPromotion>[1]["strategy"],
) {
  const { promotion } = await requestPromotion(scientist, {
    modelName: name,
    version,
    environment: "PRODUCTION",
    target: "LOCAL",
    strategy,
    reason: `ship v${version}`,
  });
  const { deploymentId } = await decidePromotion(reviewer, { promotionId: promotion.id, approve: true });
  return deploymentId!;
}

const productionVersion = async (name: string) =>
  (await db().modelAlias.findFirst({ where: { alias: "production", model: { name } }, include: { version: true } }))
    ?.version.version ?? null;

const stepsOf = async (deploymentId: string) =>
  (await db().deploymentEvent.findMany({ where: { deploymentId }, orderBy: { id: "asc" } })).map(
    (e) => `${e.step}#${e.attempt}:${e.outcome}`,
  );

beforeEach(() => {
  target = new InMemoryTarget();
  readings = {};
});

describe("runDeployment", () => {
  it("deploys a first version, records every step, and only then moves the alias", async () => {
    const { scientist, reviewer, name } = await givenModelWithVersions(1);
    const deploymentId = await approvedProduction(scientist.ctx, reviewer.ctx, name, 1, { kind: "all-at-once" });
    expect(await productionVersion(name)).toBeNull();

    expect(await runDeployment(db(), deploymentId, runtime())).toBe("SUCCEEDED");
    expect(await stepsOf(deploymentId)).toEqual([
      "validate-artifact#1:SUCCEEDED",
      "apply-endpoint#1:SUCCEEDED",
      "wait-healthy#1:SUCCEEDED",
      "shift-traffic:1#1:SUCCEEDED",
      "finalize#1:SUCCEEDED",
      "move-alias#1:SUCCEEDED",
    ]);
    expect(target.endpoints.get(`${name}-production-local`)).toEqual({ [`${name}-v1`]: 100 });
    expect(await productionVersion(name)).toBe(1);
    const deployment = await db().deployment.findUniqueOrThrow({
      where: { id: deploymentId },
      include: { promotion: true, endpoint: { include: { variants: true } } },
    });
    expect(deployment).toMatchObject({
      status: "SUCCEEDED",
      promotion: { status: "SUCCEEDED" },
      endpoint: { variants: [{ variantName: `${name}-v1`, weight: 100, instanceType: "in-memory", instanceCount: 1 }] },
    });
    const view = await getDeployment({ db: db() }, deploymentId);
    expect(view.progress).toBe(1);
    expect(view.events.every((e) => e.finishedAt !== null)).toBe(true);
  });

  it("reports partial progress while a deployment is part-way", async () => {
    const { scientist, reviewer, name } = await givenModelWithVersions(1);
    const deploymentId = await approvedProduction(scientist.ctx, reviewer.ctx, name, 1, { kind: "all-at-once" });
    target.failNextSetWeights = new Error("timeout");
    await expect(runDeployment(db(), deploymentId, runtime())).rejects.toThrow();
    const view = await getDeployment({ db: db() }, deploymentId);
    expect(view.plannedSteps).toHaveLength(6);
    expect(view.progress).toBeCloseTo(3 / 6);
  });

  it("runs a canary: 10% with guardrails watched, then 100%, then retires the old variant", async () => {
    const { scientist, reviewer, name } = await givenModelWithVersions(2);
    await runDeployment(
      db(),
      await approvedProduction(scientist.ctx, reviewer.ctx, name, 1, { kind: "all-at-once" }),
      runtime(),
    );
    readings[`${name}-v2`] = { requests: 500, errorRate: 0.002, p99Ms: 12 };

    const deploymentId = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, {
      kind: "canary",
      canaryPercent: 10,
      bakeSeconds: 1,
    });
    target.calls.length = 0;
    expect(await runDeployment(db(), deploymentId, runtime())).toBe("SUCCEEDED");
    expect(target.calls).toEqual([
      `apply ${name}-v1=100,${name}-v2=0`,
      `weights ${name}-v2=10,${name}-v1=90`,
      `weights ${name}-v2=100,${name}-v1=0`,
      `apply ${name}-v2=100`,
    ]);
    const bake = await db().deploymentEvent.findFirstOrThrow({ where: { deploymentId, step: "bake:1" } });
    expect(bake.outcome).toBe("SUCCEEDED");
    expect((bake.details as { checks: number }).checks).toBeGreaterThan(1);
    expect(await productionVersion(name)).toBe(2);
  });

  it("rolls back automatically when the canary breaches a guardrail, leaving the alias where it was", async () => {
    const { scientist, reviewer, name } = await givenModelWithVersions(2);
    await runDeployment(
      db(),
      await approvedProduction(scientist.ctx, reviewer.ctx, name, 1, { kind: "all-at-once" }),
      runtime(),
    );
    readings[`${name}-v2`] = { requests: 200, errorRate: 0.3, p99Ms: 15 };

    const deploymentId = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, {
      kind: "canary",
      canaryPercent: 10,
      bakeSeconds: 5,
    });
    expect(await runDeployment(db(), deploymentId, runtime())).toBe("ROLLED_BACK");
    expect(target.endpoints.get(`${name}-production-local`)).toEqual({ [`${name}-v1`]: 100 });
    expect(await productionVersion(name)).toBe(1);
    const deployment = await db().deployment.findUniqueOrThrow({
      where: { id: deploymentId },
      include: { promotion: true, endpoint: { include: { variants: true } } },
    });
    expect(deployment.status).toBe("ROLLED_BACK");
    expect(deployment.failureReason).toMatch(/error rate 30\.0% over 200 requests exceeds 5\.0%/);
    expect(deployment.promotion.status).toBe("ROLLED_BACK");
    expect(deployment.endpoint.variants.map((v) => [v.variantName, v.weight])).toEqual([[`${name}-v1`, 100]]);
    expect(await stepsOf(deploymentId)).toContain("bake:1#1:FAILED");
    expect(await stepsOf(deploymentId)).toContain("rollback#1:SUCCEEDED");
  });

  it("resumes after a crash without repeating finished steps or creating a second endpoint", async () => {
    const { scientist, reviewer, name } = await givenModelWithVersions(1);
    const deploymentId = await approvedProduction(scientist.ctx, reviewer.ctx, name, 1, { kind: "all-at-once" });
    target.failNextSetWeights = new Error("connection reset by peer");
    await expect(runDeployment(db(), deploymentId, runtime())).rejects.toThrow(/connection reset/);
    expect((await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } })).status).toBe("RUNNING");

    expect(await runDeployment(db(), deploymentId, runtime())).toBe("SUCCEEDED");
    expect(target.creates).toBe(1);
    expect(await stepsOf(deploymentId)).toEqual([
      "validate-artifact#1:SUCCEEDED",
      "apply-endpoint#1:SUCCEEDED",
      "wait-healthy#1:SUCCEEDED",
      "shift-traffic:1#1:FAILED",
      "shift-traffic:1#2:SUCCEEDED",
      "finalize#1:SUCCEEDED",
      "move-alias#1:SUCCEEDED",
    ]);
    expect(await runDeployment(db(), deploymentId, runtime())).toBe("SUCCEEDED");
    expect(target.creates).toBe(1);
  });

  it("rolls back at once, without spending the job's retries, when the target says retrying cannot help", async () => {
    const { scientist, reviewer, name } = await givenModelWithVersions(2);
    await runDeployment(
      db(),
      await approvedProduction(scientist.ctx, reviewer.ctx, name, 1, { kind: "all-at-once" }),
      runtime(),
    );
    const deploymentId = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, { kind: "all-at-once" });
    target.failNextSetWeights = Object.assign(new Error("AccessDenied on s3://models/v2"), { retryable: false });

    expect(await runDeployment(db(), deploymentId, runtime())).toBe("ROLLED_BACK");
    expect(await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } })).toMatchObject({
      status: "ROLLED_BACK",
      failureReason: "AccessDenied on s3://models/v2",
    });
    expect(target.endpoints.get(`${name}-production-local`)).toEqual({ [`${name}-v1`]: 100 });
    expect(await productionVersion(name)).toBe(1);
  });

  it("removes a first endpoint that never became healthy", async () => {
    const { scientist, reviewer, name } = await givenModelWithVersions(1);
    target.health = "failed";
    const deploymentId = await approvedProduction(scientist.ctx, reviewer.ctx, name, 1, { kind: "all-at-once" });
    expect(await runDeployment(db(), deploymentId, runtime())).toBe("ROLLED_BACK");
    expect(target.endpoints.has(`${name}-production-local`)).toBe(false);
    const deployment = await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    expect(deployment.failureReason).toMatch(/did not become healthy: failed \(container exited with code 1\)/);
    expect(await productionVersion(name)).toBeNull();
  });
});

describe("a job whose deployment no longer exists", () => {
  it("finishes without doing anything", async () => {
    target = new InMemoryTarget();
    expect(await runDeployment(db(), "no-such-deployment", runtime())).toBe("MISSING");
    expect(target.calls).toEqual([]);
  });
});

describe("rollBackEndpoint", () => {
  it("puts the previous healthy version back in one step and moves the alias back", async () => {
    const { scientist, reviewer, name } = await givenModelWithVersions(2);
    await runDeployment(
      db(),
      await approvedProduction(scientist.ctx, reviewer.ctx, name, 1, { kind: "all-at-once" }),
      runtime(),
    );
    await runDeployment(
      db(),
      await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, { kind: "all-at-once" }),
      runtime(),
    );
    expect(await productionVersion(name)).toBe(2);
    const endpoint = await db().endpoint.findFirstOrThrow({ where: { name: `${name}-production-local` } });

    await expect(rollBackEndpoint(scientist.ctx, { endpointId: endpoint.id, reason: "  " })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const rollback = await rollBackEndpoint(scientist.ctx, {
      endpointId: endpoint.id,
      reason: "p99 doubled after the release",
    });
    expect(rollback.version).toBe(1);
    expect(await runDeployment(db(), rollback.deploymentId, runtime())).toBe("SUCCEEDED");
    expect(target.endpoints.get(endpoint.name)).toEqual({ [`${name}-v1`]: 100 });
    expect(await productionVersion(name)).toBe(1);
    const audit = await db().auditLog.findFirstOrThrow({
      where: { action: "endpoint.rollback", entityId: endpoint.id },
    });
    expect(audit).toMatchObject({
      before: { version: 2 },
      after: { version: 1, reason: "p99 doubled after the release" },
    });

    // The same through tRPC: the latest healthy version is now v1, so rolling back again puts v2 back.
    const caller = await trpcCallerFor(scientist.user.id);
    const back = await caller.deployments.rollback({ endpointId: endpoint.id, reason: "v1 was no better" });
    expect(back).toEqual({ deploymentId: expect.any(String), version: 2 });
    expect(await runDeployment(db(), back.deploymentId, runtime())).toBe("SUCCEEDED");
    expect(await productionVersion(name)).toBe(2);
    const listed = await listDeployments({ db: db() }, { modelName: name });
    expect(listed.map((d) => [d.promotion.version.version, d.status])).toEqual([
      [2, "SUCCEEDED"],
      [1, "SUCCEEDED"],
      [2, "SUCCEEDED"],
      [1, "SUCCEEDED"],
    ]);
    expect(await caller.deployments.list({ modelName: name })).toEqual(listed);
  });

  it("refuses when there is nothing earlier to go back to", async () => {
    const { scientist, reviewer, name } = await givenModelWithVersions(1);
    await runDeployment(
      db(),
      await approvedProduction(scientist.ctx, reviewer.ctx, name, 1, { kind: "all-at-once" }),
      runtime(),
    );
    const endpoint = await db().endpoint.findFirstOrThrow({ where: { name: `${name}-production-local` } });
    const promotions = await db().promotion.count();
    await expect(rollBackEndpoint(scientist.ctx, { endpointId: endpoint.id, reason: "oops" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/no earlier healthy version/),
    });
    expect(await db().promotion.count()).toBe(promotions);
  });
});
