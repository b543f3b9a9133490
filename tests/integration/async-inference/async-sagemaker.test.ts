import { createHash, randomInt } from "node:crypto";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AsyncServing } from "@/contracts/async-serving";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { AppError } from "@/server/errors";
import { createSageMakerAsyncInvoker } from "@/server/integrations/sagemaker/async-invoker";
import { parseSageMakerConfig } from "@/server/integrations/sagemaker/config";
import { SageMakerTarget } from "@/server/integrations/sagemaker/sagemaker-target";
import { storeArtifactSource } from "@/server/jobs/handlers/deployment-runtime";
import { runAsyncInvocation, type AsyncRuntime } from "@/server/services/async-inference/run-invocation";
import { setAsyncServing } from "@/server/services/endpoints/async-serving";
import { createAbTest } from "@/server/services/abtests/setup";
import { invoke, givenTeamToken } from "@/tests/integration/async-inference/async-world";
import { callApi, givenUser } from "@/tests/integration/fixtures";
import { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import { FakeSageMaker } from "@/tests/integration/sagemaker/fake-sagemaker-server";
import { startStandIns } from "@/tests/integration/sagemaker/stand-ins";
import { onnxVariant } from "@/tests/integration/sagemaker/onnx-variant";
import { givenTabularModel } from "@/tests/integration/sagemaker/tabular-model";
import { onnxModel } from "@/tests/integration/support/model-artifacts";

// Asynchronous invocations of an asynchronous SageMaker endpoint, from the portal's REST API through the worker routine
// to the SageMaker and S3 stand-ins (which queue the request and score it with the version's real ONNX model).
// Invariants: a payload is queued on SageMaker once — a worker that takes over polls the recorded locations, never
// sends it again; the result is the model's own answer, row for row; what SageMaker refuses for good fails the
// invocation at once with its reason; an endpoint that is not asynchronous on SageMaker (or JSON to one) is refused
// with a 422 before anything is stored; only SageMaker endpoints take the setting, and one variant only.
const fake = new FakeSageMaker([], { transitionMs: 20, msPerSecond: 0.2 });
const fakeS3 = new FakeS3();
const MODEL_BYTES = onnxModel(13);
const SHA256 = createHash("sha256").update(MODEL_BYTES).digest("hex");
const SERVING: AsyncServing = {
  maxConcurrentInvocationsPerInstance: 2,
  invocationTimeoutSeconds: 300,
  scaling: { minInstances: 0, maxInstances: 2, backlogPerInstance: 4 },
};
const WAIT = { timeoutMs: 10_000, pollMs: 2 };
let config: ReturnType<typeof parseSageMakerConfig>;
let model: Awaited<ReturnType<typeof givenTabularModel>>;
let endpoint: { id: string; name: string };
let invoker: Awaited<ReturnType<typeof givenTeamToken>>;
let scientist: Awaited<ReturnType<typeof givenUser>>;

const rows = Array.from({ length: 300 }, () => [randomInt(0, 100_000) / 100, randomInt(0, 24)]);
const CSV = rows.map((row) => `${row.join(",")}\n`).join("");

function runtime(owner: string, overrides: Partial<AsyncRuntime> = {}): AsyncRuntime {
  const system = systemContextFromEnv();
  return {
    db: db(),
    artifacts: system.artifacts,
    runtime: system.runtime,
    clock: () => new Date(),
    lease: { owner, ttlMs: 2_000, pollMs: 100 },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    deliver: async () => {},
    sageMaker: () => ({ invoker: createSageMakerAsyncInvoker(config, storeArtifactSource(system.artifacts)) }),
    ...overrides,
  };
}

/** Runs as the worker and the sweep would: again while the request is still on SageMaker. */
async function runToTheEnd(id: string, owner = "w1") {
  for (let run = 0; run < 50; run++) {
    const outcome = await runAsyncInvocation(runtime(owner), id, { lastAttempt: false });
    if (outcome !== "WAITING") return outcome;
    await fake.asyncInference.idle();
  }
  return "STILL WAITING";
}

const invokeCalls = () => fake.operations().filter((op) => op === "SageMakerRuntime.InvokeEndpointAsync").length;
const row = (id: string) => db().asyncInvocation.findUniqueOrThrow({ where: { id } });
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "OK",
    (error: unknown) => (error instanceof AppError ? error.code : String(error)),
  );

async function accepted(body: string) {
  const response = await invoke(invoker.secret, endpoint.name, body, { "content-type": "text/csv" });
  expect(response.status, response.text).toBe(202);
  return response.json as { id: string };
}

async function expectedAnswers(): Promise<number[]> {
  const session = await ort.InferenceSession.create(MODEL_BYTES);
  const column = (index: number) =>
    new ort.Tensor("float32", Float32Array.from(rows.map((r) => r[index] ?? 0)), [rows.length, 1]);
  const result = await session.run({ amount: column(0), hour: column(1) });
  await session.release();
  return Array.from(result.probability?.data as Float32Array);
}

beforeAll(async () => {
  const input = await startStandIns(fake, fakeS3);
  config = parseSageMakerConfig(input);
  model = await givenTabularModel("async-sm", MODEL_BYTES);
  const version = await db().modelVersion.findFirstOrThrow({
    where: { version: model.version, model: { name: model.name } },
  });
  endpoint = await db().endpoint.create({
    data: { name: `${model.name}-async`, modelId: version.modelId, environment: "PRODUCTION", target: "SAGEMAKER" },
  });
  await db().endpointVariant.create({
    data: { endpointId: endpoint.id, versionId: version.id, variantName: "primary", weight: 100 },
  });
  scientist = await givenUser("DATA_SCIENTIST", model.team.name);
  invoker = await givenTeamToken(model.team.name, ["inference:invoke", "read"]);
  const source = storeArtifactSource(systemContextFromEnv().artifacts);
  const target = new SageMakerTarget(input, { artifacts: source });
  await target.apply({
    endpointName: endpoint.name,
    variants: [{ ...onnxVariant(SHA256), modelName: model.name, version: model.version }],
    asyncInference: SERVING,
  });
  await target.waitUntilSettled(endpoint.name, WAIT);
  // The real-time twin, deployed without the asynchronous mode on SageMaker.
  await target.apply({ endpointName: `${endpoint.name}-rt`, variants: [onnxVariant(SHA256)] });
  await target.waitUntilSettled(`${endpoint.name}-rt`, WAIT);
}, 60_000);

afterAll(async () => {
  await fake.stop();
  await fakeS3.stop();
});

describe("asynchronous invocations of a SageMaker endpoint", () => {
  it("refuses the endpoint until its team turns it asynchronous (422, nothing stored), then CSV only and no A/B test", async () => {
    const before = await db().asyncInvocation.count();
    expect((await invoke(invoker.secret, endpoint.name, CSV, { "content-type": "text/csv" })).status).toBe(422);
    expect(await codeOf(setAsyncServing(scientist.ctx, { endpointId: endpoint.id, serving: SERVING }))).toBe("OK");
    const audit = await db().auditLog.findFirst({ where: { entityId: endpoint.id, action: "endpoint.async-serving" } });
    expect(audit?.after).toEqual({ serving: SERVING });
    const abTest = createAbTest(scientist.ctx, {
      endpointName: endpoint.name,
      name: "against an asynchronous endpoint",
      championWeight: 80,
      challengers: [{ version: model.version + 1, weight: 20 }],
      preRegistration: { primaryMetric: "accuracy", mde: 0.05, baseline: 0.8 },
    });
    await expect(abTest).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/asynchronously/) });
    const json = await invoke(invoker.secret, endpoint.name, JSON.stringify({ rows: [{ amount: 1, hour: 2 }] }));
    expect(json.status).toBe(422);
    expect(await db().asyncInvocation.count()).toBe(before);
  });

  it("queues the payload on SageMaker and stores the model's own answers, row for row", async () => {
    const { id } = await accepted(CSV);
    expect(await runToTheEnd(id)).toBe("SUCCEEDED");
    const done = await row(id);
    expect(done).toMatchObject({ status: "SUCCEEDED", rows: rows.length });
    expect(done.served).toEqual([{ rows: rows.length, variant: "primary", modelVersion: model.version }]);
    expect(done.remoteOutputLocation).toMatch(new RegExp(`/async/${endpoint.name}/output/`));
    const result = await callApi("GET", `/async-invocations/${id}/result`, { token: invoker.secret });
    expect(result.status).toBe(200);
    const answers = result.text.trim().split("\n").map(Number);
    const expected = await expectedAnswers();
    expect(answers).toHaveLength(expected.length);
    answers.forEach((value, index) => expect(value).toBeCloseTo(expected[index] ?? NaN, 6));
  });

  it("while the endpoint sleeps each run only looks (no worker slot waits, no new request, no run counted)", async () => {
    fake.asyncInference.scale(endpoint.name, 0);
    const { id } = await accepted(CSV);
    const calls = invokeCalls();
    expect(await runAsyncInvocation(runtime("w1"), id, { lastAttempt: false })).toBe("WAITING");
    expect(await runAsyncInvocation(runtime("w2"), id, { lastAttempt: false })).toBe("WAITING");
    const waiting = await row(id);
    expect(waiting).toMatchObject({ status: "RUNNING", attempts: 1 });
    expect(waiting.remoteOutputLocation).not.toBeNull();
    expect(invokeCalls()).toBe(calls + 1);
    expect(fake.asyncInference.backlog(endpoint.name)).toBe(1);

    fake.asyncInference.scale(endpoint.name, 1);
    expect(await runToTheEnd(id, "w3")).toBe("SUCCEEDED");
    expect(invokeCalls()).toBe(calls + 1);
    expect((await row(id)).rows).toBe(rows.length);
  });

  it("sends a payload at most once: a lost answer or a run that died mid-send fails it; a throttled send is retried", async () => {
    fake.asyncInference.loseNextAnswer();
    const lost = (await accepted(CSV)).id;
    expect(await runAsyncInvocation(runtime("w1"), lost, { lastAttempt: false })).toBe("FAILED");
    expect((await row(lost)).failureReason).toMatch(/may still run there/);

    const died = (await accepted(CSV)).id;
    await db().asyncInvocation.update({ where: { id: died }, data: { remoteSubmittedAt: new Date() } });
    const calls = invokeCalls();
    expect(await runAsyncInvocation(runtime("w1"), died, { lastAttempt: false })).toBe("FAILED");
    expect(invokeCalls()).toBe(calls);

    fake.asyncInference.throttle(10);
    const throttled = (await accepted(CSV)).id;
    await expect(runAsyncInvocation(runtime("w1"), throttled, { lastAttempt: false })).rejects.toThrow(/Throttling/);
    expect((await row(throttled)).remoteSubmittedAt).toBeNull();
    fake.asyncInference.throttle(0);
    expect(await runToTheEnd(throttled)).toBe("SUCCEEDED");
  });

  it("fails at once with SageMaker's reason: a payload the container refuses, an endpoint not asynchronous there", async () => {
    const { id } = await accepted("1.5,3\n2.5\n");
    expect(await runToTheEnd(id)).toBe("FAILED");
    expect((await row(id)).failureReason).toMatch(/record 2 has 1 columns/);

    // The setting saved, but the endpoint on SageMaker still serves in real time (its next deployment not run yet).
    const realTime = await db().endpoint.create({
      data: {
        name: `${endpoint.name}-rt`,
        modelId: (await db().endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).modelId,
        environment: "STAGING",
        target: "SAGEMAKER",
        asyncServing: SERVING,
      },
    });
    const response = await invoke(invoker.secret, realTime.name, CSV, { "content-type": "text/csv" });
    expect(response.status).toBe(202);
    const refused = (response.json as { id: string }).id;
    expect(await runAsyncInvocation(runtime("w1"), refused, { lastAttempt: false })).toBe("FAILED");
    expect((await row(refused)).failureReason).toMatch(/not an asynchronous inference endpoint/);
  });

  it("takes the setting only for a SageMaker endpoint serving one variant, and bad settings change nothing", async () => {
    const local = await db().endpoint.create({
      data: { name: `${endpoint.name}-local`, modelId: await modelId(), environment: "STAGING", target: "LOCAL" },
    });
    expect(await codeOf(setAsyncServing(scientist.ctx, { endpointId: local.id, serving: SERVING }))).toBe(
      "UNPROCESSABLE",
    );
    const version = await db().endpointVariant.findFirstOrThrow({ where: { endpointId: endpoint.id } });
    await db().endpointVariant.create({
      data: { endpointId: endpoint.id, versionId: version.versionId, variantName: "challenger", weight: 0 },
    });
    const bigger = { ...SERVING, maxConcurrentInvocationsPerInstance: 3 };
    expect(await codeOf(setAsyncServing(scientist.ctx, { endpointId: endpoint.id, serving: bigger }))).toBe("CONFLICT");
    const invalid = { ...SERVING, scaling: { minInstances: 3, maxInstances: 1, backlogPerInstance: 1 } };
    expect(await codeOf(setAsyncServing(scientist.ctx, { endpointId: endpoint.id, serving: invalid }))).toBe(
      "BAD_REQUEST",
    );
    expect((await db().endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).asyncServing).toEqual(SERVING);
    expect(await codeOf(setAsyncServing(scientist.ctx, { endpointId: endpoint.id, serving: null }))).toBe("OK");
    expect((await db().endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).asyncServing).toBeNull();
  });
});

const modelId = async () => (await db().endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).modelId;
