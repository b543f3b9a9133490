import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemContextFromEnv } from "@/server/context-from-env";
import { getEndpoint } from "@/server/services/endpoints/views";
import { sendPrediction } from "@/server/services/endpoints/send-prediction";
import type { ComponentHosting } from "@/contracts/component-hosting";
import { db } from "@/server/db/client";
import type { SageMakerTarget } from "@/server/integrations/sagemaker/sagemaker-target";
import { readTargetInstances } from "@/server/services/cost/target-instances";
import { decidePromotion, requestPromotion } from "@/server/services/deployments/promotions";
import { runDeployment } from "@/server/services/deployments/run-deployment";
import { servingModesOfVersion } from "@/server/services/deployments/serving-modes-view";
import { setAsyncServing } from "@/server/services/endpoints/async-serving";
import { setComponentHosting } from "@/server/services/endpoints/component-hosting";
import { setVersionSla } from "@/server/services/registry/version-sla";
import { sageMakerStandInHarness } from "@/tests/integration/conformance/sagemaker-harness";
import { harnessRuntime } from "@/tests/integration/conformance/target-harness";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";

// A SageMaker endpoint hosting its versions as inference components, driven by the portal: the setting, the
// deployment through the real SageMaker target and SDK against the SageMaker stand-in, and cost.
//
// Invariants: a setting SageMaker could not apply to what serves (dedicated ↔ components, another fleet, alongside
// the asynchronous mode or an A/B test, during a deployment) is refused with a 409 and writes nothing; bad settings
// are a 400 that writes nothing; a released version's component runs before the replaced one goes, so some version
// always answers; a failed first release leaves nothing behind on SageMaker (components go before their endpoint);
// an endpoint whose components sleep at zero copies runs, and costs, zero instances.
const harness = sageMakerStandInHarness();
let name: string;
let scientist: Awaited<ReturnType<typeof givenToken>>;
let reviewer: Awaited<ReturnType<typeof givenUser>>;

const HOSTING: ComponentHosting = {
  instanceType: "ml.m5.large",
  minInstances: 0,
  maxInstances: 2,
  cpuCores: 1,
  memoryMb: 1024,
  scaleToZero: { maxCopies: 2, invocationsPerCopy: 10 },
};

async function release(version: number, environment: "PRODUCTION" | "STAGING", servingMode?: "ASYNC") {
  const { promotion } = await requestPromotion(scientist.ctx, {
    modelName: name,
    version,
    environment,
    target: "SAGEMAKER",
    strategy: { kind: "all-at-once" },
    reason: `v${version} on components`,
    servingMode,
  });
  const deploymentId =
    environment === "PRODUCTION"
      ? (await decidePromotion(reviewer.ctx, { promotionId: promotion.id, approve: true })).deploymentId!
      : (await db().deployment.findFirstOrThrow({ where: { promotionId: promotion.id } })).id;
  return runDeployment(db(), deploymentId, harnessRuntime(harness, "component-hosting-worker"));
}

const target = () => harness.target() as SageMakerTarget;
const componentsOf = (endpointName: string) =>
  [...harness.sagemaker.inferenceComponents.components.values()].filter((c) => c.endpointName === endpointName);
const endpointRow = (environment: "PRODUCTION" | "STAGING") =>
  db().endpoint.findFirst({ where: { model: { name }, environment, target: "SAGEMAKER" } });

/** What onnxruntime answers for the rows with a version's own model: each row's signature outputs, by name. */
async function expectedBy(version: number, rows: Record<string, unknown>[]) {
  const artifact = await db().artifact.findFirstOrThrow({
    where: { versions: { some: { version, model: { name } } } },
  });
  const stream = await systemContextFromEnv().artifacts.get(artifact.sha256);
  const session = await ort.InferenceSession.create(new Uint8Array(await new Response(stream).arrayBuffer()));
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of session.inputMetadata) {
    if (!input.isTensor) throw new Error(`${input.name} is not a tensor`);
    const dims = input.shape.length === 1 ? [rows.length] : [rows.length, 1];
    const column = rows.map((row) => row[input.name]);
    feeds[input.name] =
      input.type === "string"
        ? new ort.Tensor("string", column.map(String), dims)
        : input.type === "int64"
          ? new ort.Tensor("int64", BigInt64Array.from(column.map((v) => BigInt(Number(v)))), dims)
          : new ort.Tensor("float32", Float32Array.from(column.map(Number)), dims);
  }
  const results = await session.run(feeds);
  await session.release();
  const { signature } = await db().modelVersion.findFirstOrThrow({ where: { version, model: { name } } });
  const outputs = (signature as { outputs: { name: string }[] }).outputs.map((output) => output.name);
  return rows.map((_row, index) =>
    Object.fromEntries(
      outputs.map((output) => {
        const tensor = results[output]!;
        const width = tensor.dims.length > 1 ? Number(tensor.dims[1]) : 1;
        const values = Array.from(tensor.data as ArrayLike<number | bigint>)
          .slice(index * width, (index + 1) * width)
          .map(Number);
        return [output, width === 1 ? values[0] : values];
      }),
    ),
  );
}

const predictionsCtx = () => ({ ...scientist.ctx, sageMakerPredictions: () => target().predictions() });

async function exampleRows(endpointId: string) {
  const example = (await getEndpoint({ db: db() }, endpointId)).serving?.exampleRow;
  if (!example) throw new Error("the endpoint serves no version with an example row");
  const numeric = Object.entries(example).find(([, value]) => typeof value === "number")?.[0];
  return [example, ...(numeric ? [{ ...example, [numeric]: Number(example[numeric]) * 3 + 1 }] : [])];
}

beforeAll(async () => {
  await harness.start();
  scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
  reviewer = await givenUser("REVIEWER");
  name = `hosted-${Date.now().toString(36)}`;
  const created = await callApi("POST", "/models", {
    token: scientist.secret,
    json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
  });
  expect(created.status).toBe(201);
  for (let i = 0; i < 2; i++) await harness.registerVersion(scientist.secret, name);
}, 120_000);

afterAll(() => harness.stop());

describe("SageMaker inference components through the portal", () => {
  it("refuses bad settings, unknown models and clearing what does not exist, writing nothing", async () => {
    const refusals = [
      { hosting: { ...HOSTING, minInstances: 3 }, code: "BAD_REQUEST" },
      { hosting: { ...HOSTING, memoryMb: 100 }, code: "BAD_REQUEST" },
      { hosting: { ...HOSTING, cpuCores: 0.3 }, code: "BAD_REQUEST" },
      { hosting: { ...HOSTING, instanceType: "m5.large" }, code: "BAD_REQUEST" },
      { hosting: null, code: "NOT_FOUND" },
    ];
    for (const { hosting, code } of refusals)
      await expect(
        setComponentHosting(scientist.ctx, { modelName: name, environment: "PRODUCTION", hosting }),
      ).rejects.toMatchObject({ code });
    await expect(
      setComponentHosting(scientist.ctx, { modelName: `${name}-none`, environment: "PRODUCTION", hosting: HOSTING }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await endpointRow("PRODUCTION")).toBeNull();
  });

  it("hosts a new endpoint's first version as a component on a managed fleet that may scale to zero", async () => {
    const set = await setComponentHosting(scientist.ctx, {
      modelName: name,
      environment: "PRODUCTION",
      hosting: HOSTING,
    });
    expect(set).toMatchObject({ endpointName: `${name}-production-sagemaker`, hosting: HOSTING });
    const audit = await db().auditLog.findFirstOrThrow({
      where: { entityId: set.endpointId, action: "endpoint.component-hosting" },
    });
    expect(audit).toMatchObject({ actorId: scientist.user.id, after: { hosting: HOSTING } });

    expect(await release(1, "PRODUCTION")).toBe("SUCCEEDED");
    const [component, ...others] = componentsOf(set.endpointName);
    expect(others).toEqual([]);
    expect(component).toMatchObject({ status: "InService", memoryMb: 1024 });
    expect(await target().componentServing(set.endpointName, 1)).toBe(component!.name);
    // The fleet: the config's one variant names no model and is managed down to 0; the component has its copy scaling.
    const config = harness.sagemaker.requests.findLast((r) => r.operation === "CreateEndpointConfig")!.body;
    expect(config.ProductionVariants).toEqual([
      expect.objectContaining({
        InstanceType: "ml.m5.large",
        ManagedInstanceScaling: { Status: "ENABLED", MinInstanceCount: 0, MaxInstanceCount: 2 },
      }),
    ]);
    expect(JSON.stringify(config.ProductionVariants)).not.toContain("ModelName");
    expect(harness.sagemaker.inferenceComponents.targets.has(`inference-component/${component!.name}`)).toBe(true);
    const variants = await db().endpointVariant.findMany({ where: { endpointId: set.endpointId } });
    expect(variants).toEqual([expect.objectContaining({ variantName: "primary", weight: 100 })]);
  }, 60_000);

  it("releases a version as a new component that runs before the replaced one is deleted", async () => {
    const endpoint = (await endpointRow("PRODUCTION"))!;
    const old = componentsOf(endpoint.name)[0]!.name;
    const from = harness.sagemaker.requests.length;
    expect(await release(2, "PRODUCTION")).toBe("SUCCEEDED");
    const calls = harness.sagemaker.requests.slice(from);
    const created = calls.findIndex((r) => r.operation === "CreateInferenceComponent");
    const deleted = calls.findIndex(
      (r) => r.operation === "DeleteInferenceComponent" && r.body.InferenceComponentName === old,
    );
    expect(created).toBeGreaterThanOrEqual(0);
    expect(deleted).toBeGreaterThan(created);
    const serving = await target().componentServing(endpoint.name, 2);
    expect(componentsOf(endpoint.name).map((c) => c.name)).toEqual([serving]);
    expect(await target().componentServing(endpoint.name, 1)).toBeUndefined();
    // Application Auto Scaling no longer holds the dropped component's scaling.
    expect(harness.sagemaker.inferenceComponents.targets.get(`inference-component/${old}`)?.policies.size ?? 0).toBe(0);
  }, 60_000);

  it("answers a prediction from the portal by the chosen version's component, exactly as its model does", async () => {
    const endpoint = (await endpointRow("PRODUCTION"))!;
    const rows = await exampleRows(endpoint.id);
    const answer = await sendPrediction(predictionsCtx(), { endpointId: endpoint.id, rows });
    expect(answer).toMatchObject({
      modelVersion: 2,
      variant: await target().componentServing(endpoint.name, 2),
      fallback: null,
    });
    expect(answer.predictions).toEqual(await expectedBy(2, rows));
    // Version 1 is a different model: its answer would differ, and it is not hosted any more.
    expect(await expectedBy(1, rows)).not.toEqual(await expectedBy(2, rows));
    await expect(sendPrediction(predictionsCtx(), { endpointId: endpoint.id, rows, version: 1 })).rejects.toMatchObject(
      { code: "CONFLICT" },
    );
    await expect(
      sendPrediction(predictionsCtx(), { endpointId: endpoint.id, rows: [{ nothing: 1 }] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  }, 60_000);

  it("a sleeping version answers 503 with Retry-After while its copy starts, then serves", async () => {
    const endpoint = (await endpointRow("PRODUCTION"))!;
    const rows = await exampleRows(endpoint.id);
    const component = componentsOf(endpoint.name)[0]!;
    // Application Auto Scaling's scale-in after an idle while (the stand-in does not run target tracking).
    Object.assign(component, { desired: 0, current: 0 });
    await expect(sendPrediction(predictionsCtx(), { endpointId: endpoint.id, rows })).rejects.toMatchObject({
      code: "UNAVAILABLE",
      message: expect.stringMatching(/asleep/),
      details: { retryAfterSeconds: expect.any(Number) },
    });
    // The refused request fired the wake alarm; the step policy starts a copy.
    let answer: Awaited<ReturnType<typeof sendPrediction>> | undefined;
    for (let tries = 0; !answer && tries < 200; tries++) {
      answer = await sendPrediction(predictionsCtx(), { endpointId: endpoint.id, rows }).catch((error: unknown) => {
        // While it wakes it is asleep, never "not hosted" nor answered by something else.
        expect(error).toMatchObject({ code: "UNAVAILABLE", message: expect.stringMatching(/asleep/) });
        return undefined;
      });
      if (!answer) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(answer?.predictions).toEqual(await expectedBy(2, rows));
  }, 60_000);

  it("counts an endpoint whose components sleep at zero copies as zero instances", async () => {
    const endpoint = (await endpointRow("PRODUCTION"))!;
    const reading = async () => {
      const { readings, failures } = await readTargetInstances({ db: db() }, () => target());
      expect(failures.filter((f) => f.endpoint === endpoint.name)).toEqual([]);
      return readings.filter((r) => r.endpoint === endpoint.name);
    };
    expect(await reading()).toEqual([
      expect.objectContaining({ variant: "primary", instanceType: "ml.m5.large", instances: 1 }),
    ]);
    // What Application Auto Scaling does to an idle component: its copies go to 0, and the fleet's instances with them.
    for (const component of componentsOf(endpoint.name)) Object.assign(component, { desired: 0, current: 0 });
    expect(await reading()).toEqual([expect.objectContaining({ variant: "primary", instances: 0 })]);
    for (const component of componentsOf(endpoint.name)) Object.assign(component, { desired: 1, current: 1 });
  });

  it("refuses what SageMaker could not apply to a serving component endpoint, and what components cannot serve", async () => {
    const endpoint = (await endpointRow("PRODUCTION"))!;
    const conflicts = [{ ...HOSTING, instanceType: "ml.c5.xlarge" }, { ...HOSTING, maxInstances: 3 }, null];
    for (const hosting of conflicts)
      await expect(
        setComponentHosting(scientist.ctx, { modelName: name, environment: "PRODUCTION", hosting }),
      ).rejects.toMatchObject({ code: "CONFLICT" });
    const serving = { maxConcurrentInvocationsPerInstance: 4, invocationTimeoutSeconds: 600, scaling: null };
    await expect(setAsyncServing(scientist.ctx, { endpointId: endpoint.id, serving })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/inference components/),
    });
    await expect(release(1, "PRODUCTION", "ASYNC")).rejects.toMatchObject({ code: "UNPROCESSABLE" });
    await setVersionSla(scientist.ctx, name, 1, { sla: { latencyP99Ms: 200 } });
    await expect(release(1, "PRODUCTION")).rejects.toThrow(/scales to zero/);
    // The promote dialog says the same before anyone asks.
    const view = await servingModesOfVersion(scientist.ctx, { modelName: name, version: 1 });
    const offer = view.targets.find((entry) => entry.target === "SAGEMAKER")!;
    expect(offer.endpoints.find((entry) => entry.environment === "PRODUCTION")?.hostingProblems).toEqual([
      { mode: "REALTIME", problem: expect.stringMatching(/scales to zero/) },
      { mode: "ASYNC", problem: expect.stringMatching(/real time/) },
    ]);
    await setVersionSla(scientist.ctx, name, 1, { sla: null });
    // What a copy reserves and its scaling may change on the same fleet.
    const resized = { ...HOSTING, memoryMb: 2048, scaleToZero: null };
    await setComponentHosting(scientist.ctx, { modelName: name, environment: "PRODUCTION", hosting: resized });
    expect((await endpointRow("PRODUCTION"))!.componentHosting).toEqual(resized);
    // The two refused promotions wrote nothing: production has the two releases above.
    expect(await db().promotion.count({ where: { version: { model: { name } }, environment: "PRODUCTION" } })).toBe(2);
  }, 60_000);

  it("a failed first release leaves nothing on SageMaker: the components go, then their endpoint", async () => {
    await setComponentHosting(scientist.ctx, { modelName: name, environment: "STAGING", hosting: HOSTING });
    const endpoint = (await endpointRow("STAGING"))!;
    const artifact = await db().artifact.findFirstOrThrow({
      where: { versions: { some: { version: 1, model: { name } } } },
    });
    const restore = await harness.spoilArtifact(artifact.sha256);
    try {
      expect(await release(1, "STAGING")).toMatch(/FAILED|ROLLED_BACK/);
    } finally {
      await restore();
    }
    const deployment = await db().deployment.findFirstOrThrow({
      where: { endpointId: endpoint.id },
      orderBy: { createdAt: "desc" },
    });
    expect(deployment.failureReason).toMatch(/failed again/);
    expect(componentsOf(endpoint.name)).toEqual([]);
    expect((await target().describe(endpoint.name)).status).toBe("absent");
    expect(await db().endpointVariant.count({ where: { endpointId: endpoint.id } })).toBe(0);
    // Nothing serves, so the endpoint may go back to dedicated instances.
    await setComponentHosting(scientist.ctx, { modelName: name, environment: "STAGING", hosting: null });
  }, 60_000);

  it("refuses components on an endpoint that serves on dedicated instances", async () => {
    expect(await release(1, "STAGING")).toBe("SUCCEEDED");
    await expect(
      setComponentHosting(scientist.ctx, { modelName: name, environment: "STAGING", hosting: HOSTING }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/dedicated instances/) });
    expect((await endpointRow("STAGING"))!.componentHosting).toBeNull();
  }, 60_000);
});
