import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import type { Role } from "@/server/db/generated/enums";
import { localRuntimeClient } from "@/server/integrations/local-runtime/client";
import { requestPromotion } from "@/server/services/deployments/promotions";
import { explainPrediction } from "@/server/services/endpoints/explain-prediction";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";
import { startDeployStack, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import { registerThroughApi, settled } from "@/tests/integration/deployments/real-models";
import { serveTabularEndpoint } from "@/tests/integration/runtime/runtime-endpoint";
import { counterValue } from "@/tests/integration/runtime/runtime-process";

// Explanations from the portal (endpoints.explain), against a real runtime serving a real exported ONNX model.
let stack: ModelRuntime;

beforeAll(async () => {
  stack = await startDeployStack("modelport-endpoint-explain-", { concurrency: 1 });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function callerOf(userId: string) {
  const user = await db().user.findUniqueOrThrow({ where: { id: userId }, include: { team: true } });
  return createCaller({ system: systemContextFromEnv(), user });
}

async function callerFor(role: Role) {
  return callerOf((await givenUser(role)).user.id);
}

/** How many explain requests the runtime has answered, whatever their endpoint or status. */
async function explainRequests() {
  const metrics = await (await fetch(`${stack.runtime.baseUrl}/metrics`)).text();
  return counterValue(metrics, "modelport_runtime_explain_requests_total", {});
}

describe("endpoints.explain", () => {
  it("explains the row a prediction was sent with, adding up to output − expected value, and refuses viewers and bad input", async () => {
    const scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
    const name = `fraud-explain-${Date.now().toString(36)}`;
    await callApi("POST", "/models", {
      token: scientist.secret,
      json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
    });
    const gbt = stack.manifest.find((m) => m.name === "fraud-gbt")!;
    const version = await registerThroughApi(scientist.secret, name, gbt, stack.modelDirectory);
    const { deploymentId } = await requestPromotion(scientist.ctx, {
      modelName: name,
      version,
      environment: "STAGING",
      target: "LOCAL",
      strategy: { kind: "all-at-once" },
      reason: "explain from the portal",
    });
    expect(await settled(deploymentId!)).toMatchObject({ status: "SUCCEEDED" });

    const caller = await callerOf(scientist.user.id);
    const endpointId = (await caller.endpoints.list({ search: name })).items[0]!.id;
    const example = (await caller.endpoints.get({ id: endpointId })).serving!.exampleRow!;
    const predicted = await caller.endpoints.predict({ endpointId, rows: [example] });

    const answer = await caller.endpoints.explain({ endpointId, rows: [example], variant: predicted.variant });
    expect(answer).toMatchObject({ variant: predicted.variant, modelVersion: version });
    expect(answer.explanations).toHaveLength(1);
    const explanation = answer.explanations[0]!;
    expect(explanation).toMatchObject({ outputSpace: "log-odds", method: "tree-shap-path-dependent" });
    expect(Object.keys(explanation.attributions)).toEqual(gbt.signature.inputs.map((input) => input.name));
    const sum = Object.values(explanation.attributions).reduce((total, value) => total + value, 0);
    expect(Math.abs(sum - (explanation.output - explanation.expectedValue))).toBeLessThanOrEqual(1e-6);

    const viewer = await callerFor("VIEWER");
    await expect(viewer.endpoints.predict({ endpointId, rows: [example] })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(viewer.endpoints.explain({ endpointId, rows: [example] })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });

    const before = await explainRequests();
    expect(before).toBeGreaterThan(0);
    for (const rows of [[], [[1, 2]], Array.from({ length: 101 }, () => example)]) {
      await expect(caller.endpoints.explain({ endpointId, rows: rows as never })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    }
    await expect(caller.endpoints.explain({ endpointId, rows: [example], variant: "" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await explainRequests()).toBe(before);

    // A row the runtime refuses (a feature of the wrong type) is the caller's 400 too, naming the feature.
    const field = gbt.signature.inputs[0]!.name;
    await expect(
      caller.endpoints.explain({ endpointId, rows: [{ ...example, [field]: "lots" }] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining(`"${field}"`) });
  }, 180_000);

  it("answers UNPROCESSABLE for a model exported without explanation data, which still predicts", async () => {
    const scientist = await givenUser("DATA_SCIENTIST");
    const model = await db().registeredModel.create({
      data: {
        name: `uploaded-${Date.now().toString(36)}`,
        teamId: scientist.team.id,
        taskType: "REGRESSION",
        createdById: scientist.user.id,
      },
    });
    const endpoint = await db().endpoint.create({
      data: { name: `${model.name}-staging-local`, modelId: model.id, environment: "STAGING", target: "LOCAL" },
    });
    await serveTabularEndpoint(stack.runtime, stack.modelDirectory, endpoint.name);
    const caller = await callerOf(scientist.user.id);
    const row = { amount: 12.5, hour: 3 };
    expect((await caller.endpoints.predict({ endpointId: endpoint.id, rows: [row] })).predictions).toHaveLength(1);
    await expect(caller.endpoints.explain({ endpointId: endpoint.id, rows: [row] })).rejects.toMatchObject({
      code: "UNPROCESSABLE_CONTENT",
      message: expect.stringContaining("This model was not exported with explanation data"),
    });
  });

  it("refuses endpoints on other targets, unknown endpoints, and answers UNAVAILABLE when the runtime is down", async () => {
    const scientist = await givenUser("DATA_SCIENTIST");
    const model = await db().registeredModel.create({
      data: {
        name: `remote-explain-${Date.now().toString(36)}`,
        teamId: scientist.team.id,
        taskType: "REGRESSION",
        createdById: scientist.user.id,
      },
    });
    const remote = await db().endpoint.create({
      data: {
        name: `${model.name}-production-k8s`,
        modelId: model.id,
        environment: "PRODUCTION",
        target: "KUBERNETES",
      },
    });
    const local = await db().endpoint.create({
      data: { name: `${model.name}-staging-local`, modelId: model.id, environment: "STAGING", target: "LOCAL" },
    });
    const caller = await callerOf(scientist.user.id);
    await expect(caller.endpoints.explain({ endpointId: remote.id, rows: [{ x: 1 }] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/served by the Modelport runtime only/),
    });
    await expect(caller.endpoints.explain({ endpointId: "nope", rows: [{ x: 1 }] })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });

    const down = localRuntimeClient({ ...systemContextFromEnv().runtime.config, baseUrl: "http://127.0.0.1:9" });
    await expect(
      explainPrediction({ db: db(), runtime: down }, { endpointId: local.id, rows: [{ x: 1 }] }),
    ).rejects.toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining("did not answer") });
  });
});
