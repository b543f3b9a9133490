import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import type { Role } from "@/server/db/generated/enums";
import { requestPromotion } from "@/server/services/deployments/promotions";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";
import { startDeployStack, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import { registerThroughApi, settled } from "@/tests/integration/deployments/real-models";

// Endpoint views and predictions from the portal, against a real runtime serving two real ONNX versions.
let stack: ModelRuntime;

beforeAll(async () => {
  stack = await startDeployStack("modelport-endpoint-models-", { concurrency: 1 });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function callerFor(role: Role) {
  const given = await givenUser(role);
  const user = await db().user.findUniqueOrThrow({ where: { id: given.user.id }, include: { team: true } });
  return createCaller({ system: systemContextFromEnv(), user });
}

async function deployToStaging(ctx: Parameters<typeof requestPromotion>[0], modelName: string, version: number) {
  const { deploymentId } = await requestPromotion(ctx, {
    modelName,
    version,
    environment: "STAGING",
    target: "LOCAL",
    strategy: { kind: "all-at-once" },
    reason: `v${version} to staging`,
  });
  expect(await settled(deploymentId!)).toMatchObject({ status: "SUCCEEDED" });
}

describe("endpoints", () => {
  it("lists and shows what serves where, sends predictions from the portal, and refuses bad rows and viewers", async () => {
    const scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
    const name = `fraud-endpoints-${Date.now().toString(36)}`;
    await callApi("POST", "/models", {
      token: scientist.secret,
      json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
    });
    const gbt = stack.manifest.find((m) => m.name === "fraud-gbt")!;
    const logreg = stack.manifest.find((m) => m.name === "fraud-logreg")!;
    const v1 = await registerThroughApi(scientist.secret, name, gbt, stack.modelDirectory);
    await deployToStaging(scientist.ctx, name, v1);
    const v2 = await registerThroughApi(scientist.secret, name, logreg, stack.modelDirectory);
    await deployToStaging(scientist.ctx, name, v2);

    const viewer = await callerFor("VIEWER");
    const listed = await viewer.endpoints.list({ search: name.toUpperCase() });
    expect(listed.total).toBe(1);
    expect(listed.items[0]).toMatchObject({
      name: `${name}-staging-local`,
      environment: "STAGING",
      target: "LOCAL",
      model: { name },
      variants: [{ variantName: `${name}-v2`, weight: 100, instanceType: "local-cpu", version: { version: v2 } }],
      latestDeployment: { status: "SUCCEEDED" },
    });
    expect((await viewer.endpoints.list({ search: name, environment: "PRODUCTION" })).total).toBe(0);
    expect((await viewer.endpoints.list({ search: name, target: "SAGEMAKER" })).total).toBe(0);

    const endpointId = listed.items[0]!.id;
    const endpoint = await viewer.endpoints.get({ id: endpointId });
    expect(endpoint.rollbackCandidate).toEqual({ fromVersion: v2, toVersion: v1 });
    expect(endpoint.deployments.map((d) => d.promotion.version.version)).toEqual([v2, v1]);
    expect(endpoint.serving?.version).toBe(v2);
    const example = endpoint.serving!.exampleRow!;
    expect(Object.keys(example)).toEqual(logreg.signature.inputs.map((input) => input.name));

    const scientistCaller = createCaller({
      system: systemContextFromEnv(),
      user: await db().user.findUniqueOrThrow({ where: { id: scientist.user.id }, include: { team: true } }),
    });
    const answer = await scientistCaller.endpoints.predict({ endpointId, rows: [example, example] });
    expect(answer).toMatchObject({ variant: `${name}-v2`, modelVersion: v2 });
    expect(answer.predictions).toHaveLength(2);
    expect(answer.predictionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.latencyMs).toBeGreaterThan(0);

    const field = logreg.signature.inputs[1]!.name;
    await expect(
      scientistCaller.endpoints.predict({ endpointId, rows: [{ ...example, [field]: "lots" }] }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining(`"${field}"`),
    });
    await expect(
      scientistCaller.endpoints.predict({ endpointId, rows: Array.from({ length: 101 }, () => example) }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(scientistCaller.endpoints.predict({ endpointId, rows: [[1, 2]] as never })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(viewer.endpoints.predict({ endpointId, rows: [example] })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  }, 180_000);

  it("refuses portal predictions for endpoints on other targets, and unknown endpoints", async () => {
    const scientist = await givenUser("DATA_SCIENTIST");
    const model = await db().registeredModel.create({
      data: {
        name: `remote-${Date.now().toString(36)}`,
        teamId: scientist.team.id,
        taskType: "REGRESSION",
        createdById: scientist.user.id,
      },
    });
    const endpoint = await db().endpoint.create({
      data: {
        name: `${model.name}-production-sagemaker`,
        modelId: model.id,
        environment: "PRODUCTION",
        target: "SAGEMAKER",
      },
    });
    const caller = createCaller({
      system: systemContextFromEnv(),
      user: await db().user.findUniqueOrThrow({ where: { id: scientist.user.id }, include: { team: true } }),
    });
    await expect(caller.endpoints.predict({ endpointId: endpoint.id, rows: [{ x: 1 }] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/SageMaker endpoints hosting inference components/),
    });
    await expect(
      caller.endpoints.predict({ endpointId: endpoint.id, rows: [{ x: 1 }], version: 1 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/A version is chosen only/) });
    await expect(caller.endpoints.get({ id: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const shown = await caller.endpoints.get({ id: endpoint.id });
    expect(shown).toMatchObject({ serving: null, rollbackCandidate: null, deployments: [] });
  });

  it("lets a data scientist set an endpoint's objectives through the procedure, and refuses a viewer", async () => {
    const scientist = await givenUser("DATA_SCIENTIST");
    const model = await db().registeredModel.create({
      data: {
        name: `slo-${Date.now().toString(36)}`,
        teamId: scientist.team.id,
        taskType: "REGRESSION",
        createdById: scientist.user.id,
      },
    });
    const endpoint = await db().endpoint.create({
      data: { name: `${model.name}-production-local`, modelId: model.id, environment: "PRODUCTION", target: "LOCAL" },
    });
    const viewer = await callerFor("VIEWER");
    await expect(
      viewer.endpoints.setSlo({ endpointId: endpoint.id, p99Ms: 50, availability: 0.99 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db().endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({
      sloP99Ms: 100,
      sloAvailability: 0.999,
    });

    const caller = createCaller({
      system: systemContextFromEnv(),
      user: await db().user.findUniqueOrThrow({ where: { id: scientist.user.id }, include: { team: true } }),
    });
    await caller.endpoints.setSlo({ endpointId: endpoint.id, p99Ms: 50, availability: 0.99 });
    expect(await db().endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({
      sloP99Ms: 50,
      sloAvailability: 0.99,
    });
  });
});
