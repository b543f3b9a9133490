import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { decidePromotion, requestPromotion, rollBackEndpoint } from "@/server/services/deployments/promotions";
import { setAsyncServing } from "@/server/services/endpoints/async-serving";
import { runDeployment } from "@/server/services/deployments/run-deployment";
import { setVersionSla } from "@/server/services/registry/version-sla";
import { sageMakerStandInHarness } from "@/tests/integration/conformance/sagemaker-harness";
import { harnessRuntime } from "@/tests/integration/conformance/target-harness";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";

// A serving mode promoted to SageMaker is applied by the deployment, through the real SageMaker target and SDK against
// the SageMaker stand-in. Invariants: the mode is written on the endpoint (audited as the requester) before the apply
// that carries it, and the endpoint config that serves has it; a release that fails puts the old mode back with the
// old version — neither the endpoint row nor what SageMaker serves keeps the failed release's mode.
const harness = sageMakerStandInHarness();
let name: string;
let endpointId: string;
let endpointName: string;
let scientist: Awaited<ReturnType<typeof givenToken>>;
let reviewer: Awaited<ReturnType<typeof givenUser>>;

async function approved(version: number, servingMode?: "REALTIME" | "ASYNC") {
  const { promotion } = await requestPromotion(scientist.ctx, {
    modelName: name,
    version,
    environment: "PRODUCTION",
    target: "SAGEMAKER",
    strategy: { kind: "all-at-once" },
    reason: `v${version} ${servingMode ?? "as it serves"}`,
    servingMode,
  });
  const { deploymentId } = await decidePromotion(reviewer.ctx, { promotionId: promotion.id, approve: true });
  return deploymentId!;
}

const run = (deploymentId: string) => runDeployment(db(), deploymentId, harnessRuntime(harness, "serving-mode-worker"));

async function release(version: number, servingMode?: "REALTIME" | "ASYNC") {
  const deploymentId = await approved(version, servingMode);
  return { deploymentId, outcome: await run(deploymentId) };
}

/** Makes v1's model one SageMaker's container cannot load (its ping fails, SageMaker rolls the update back). */
async function spoilVersion1() {
  const artifact = await db().artifact.findFirstOrThrow({
    where: { versions: { some: { version: 1, model: { name } } } },
  });
  return harness.spoilArtifact(artifact.sha256);
}

const modeAudits = (deploymentId: string) =>
  db().auditLog.findMany({
    where: {
      entityId: endpointId,
      action: "endpoint.async-serving",
      after: { path: ["by"], string_contains: deploymentId },
    },
  });

/** The AsyncInferenceConfig of the endpoint config SageMaker serves now (undefined: real time). */
async function servedAsyncConfig() {
  const config = harness.sagemaker.servingConfig(endpointName);
  const created = harness.sagemaker.requests.filter(
    (request) => request.operation === "CreateEndpointConfig" && request.body.EndpointConfigName === config,
  );
  // A config name is its content's hash: a config made again after its deletion is the same config.
  expect(created.length).toBeGreaterThan(0);
  return created.at(-1)!.body.AsyncInferenceConfig;
}

const endpointServing = async () => (await db().endpoint.findUniqueOrThrow({ where: { id: endpointId } })).asyncServing;

beforeAll(async () => {
  await harness.start();
  scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
  reviewer = await givenUser("REVIEWER");
  name = `mode-${Date.now().toString(36)}`;
  const created = await callApi("POST", "/models", {
    token: scientist.secret,
    json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
  });
  expect(created.status).toBe(201);
  for (let i = 0; i < 2; i++) await harness.registerVersion(scientist.secret, name);
  expect((await release(1)).outcome).toBe("SUCCEEDED");
  const endpoint = await db().endpoint.findFirstOrThrow({ where: { model: { name } } });
  endpointId = endpoint.id;
  endpointName = endpoint.name;
}, 120_000);

afterAll(() => harness.stop());

describe("a serving mode promoted to SageMaker", () => {
  it("is applied by the deployment: written on the endpoint, audited as the requester, served by SageMaker", async () => {
    expect(await servedAsyncConfig()).toBeUndefined();
    await setVersionSla(scientist.ctx, name, 2, { sla: { maxPayloadBytes: 200 * 1024 * 1024, timeoutSeconds: 1200 } });
    const { deploymentId, outcome } = await release(2, "ASYNC");
    expect(outcome).toBe("SUCCEEDED");
    // SageMaker's defaults, the processing time raised to the SLA's timeout.
    const serving = { maxConcurrentInvocationsPerInstance: 4, invocationTimeoutSeconds: 1200, scaling: null };
    expect(await endpointServing()).toEqual(serving);
    expect(await servedAsyncConfig()).toMatchObject({ ClientConfig: { MaxConcurrentInvocationsPerInstance: 4 } });
    const audit = await db().auditLog.findFirstOrThrow({
      where: { entityId: endpointId, action: "endpoint.async-serving" },
      orderBy: { createdAt: "desc" },
    });
    expect(audit).toMatchObject({ actorId: scientist.user.id, before: { serving: null } });
    expect(audit.after).toEqual({ serving, by: `Deployment ${deploymentId} serves asynchronous` });
    const steps = await db().deploymentEvent.findMany({ where: { deploymentId }, orderBy: { id: "asc" } });
    expect(steps.map((step) => step.step).slice(0, 4)).toEqual([
      "record-prior-state",
      "validate-artifact",
      "apply-serving-mode",
      "apply-endpoint",
    ]);
  }, 60_000);

  it("a release without a mode keeps the endpoint's, SLA checked against it", async () => {
    await setVersionSla(scientist.ctx, name, 1, { sla: { latencyP99Ms: 100 } });
    await expect(release(1)).rejects.toThrow(/does not fit asynchronous on SageMaker/);
    await setVersionSla(scientist.ctx, name, 1, { sla: null });
  });

  it("a failed release in another mode puts the old mode back with the old version", async () => {
    const before = { row: await endpointServing(), config: await servedAsyncConfig() };
    const restore = await spoilVersion1();
    try {
      const { deploymentId, outcome } = await release(1, "REALTIME");
      expect(outcome).toBe("ROLLED_BACK");
      const steps = (await db().deploymentEvent.findMany({ where: { deploymentId } })).map((step) => step.step);
      expect(steps).toContain("apply-serving-mode");
      const audits = await db().auditLog.findMany({
        where: { entityId: endpointId, action: "endpoint.async-serving" },
        orderBy: { createdAt: "asc" },
      });
      expect(audits.at(-1)?.after).toMatchObject({ by: `Deployment ${deploymentId} rolled back` });
    } finally {
      await restore();
    }
    expect(await endpointServing()).toEqual(before.row);
    expect(await servedAsyncConfig()).toEqual(before.config);
    expect((await harness.target().describe(endpointName)).status).toBe("healthy");
  }, 60_000);

  it("a release whose SLA stopped fitting after its approval ends FAILED before anything is applied", async () => {
    const before = { row: await endpointServing(), config: await servedAsyncConfig() };
    const deploymentId = await approved(1, "REALTIME");
    await setVersionSla(scientist.ctx, name, 1, { sla: { timeoutSeconds: 600 } });
    try {
      expect(await run(deploymentId)).toBe("FAILED");
    } finally {
      await setVersionSla(scientist.ctx, name, 1, { sla: null });
    }
    const deployment = await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    expect(deployment.failureReason).toContain("a request is processed within 60 s; the SLA needs 600 s");
    expect(await endpointServing()).toEqual(before.row);
    expect(await servedAsyncConfig()).toEqual(before.config);
    expect(await modeAudits(deploymentId)).toEqual([]);
  }, 60_000);

  it("a release that names no mode never touches it: a mode saved meanwhile outlives its rollback", async () => {
    const saved = { maxConcurrentInvocationsPerInstance: 7, invocationTimeoutSeconds: 1500, scaling: null };
    const deploymentId = await approved(1);
    await setAsyncServing(scientist.ctx, { endpointId, serving: saved });
    const restore = await spoilVersion1();
    try {
      expect(await run(deploymentId)).toBe("ROLLED_BACK");
    } finally {
      await restore();
    }
    expect(await endpointServing()).toEqual(saved);
    expect(await modeAudits(deploymentId)).toEqual([]);
    expect((await harness.target().describe(endpointName)).status).toBe("healthy");
  }, 60_000);

  it("one-click rollback serves the previous version in the mode it served in", async () => {
    // v2 was released asynchronous over v1, which served in real time.
    const { deploymentId, version } = await rollBackEndpoint(scientist.ctx, { endpointId, reason: "back to v1" });
    expect(version).toBe(1);
    const promotion = await db().promotion.findFirstOrThrow({ where: { deployment: { id: deploymentId } } });
    expect(promotion.servingMode).toBe("REALTIME");
    expect(await run(deploymentId)).toBe("SUCCEEDED");
    expect(await endpointServing()).toBeNull();
    expect(await servedAsyncConfig()).toBeUndefined();
  }, 60_000);
});
