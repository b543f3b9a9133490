import type { ChildProcess } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { queueFor } from "@/server/jobs/define-job";
import { deployJob, deployJobId } from "@/server/jobs/deploy";
import { requestPromotion } from "@/server/services/deployments/promotions";
import { callApi, givenToken } from "@/tests/integration/fixtures";
import { freePort, postJson, temporaryDirectory } from "@/tests/integration/runtime/runtime-process";
import { until } from "@/tests/integration/support/until";
import { spawnWorkerProcess, startModelRuntime, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import { registerThroughApi, settled } from "@/tests/integration/deployments/real-models";
import { predictors } from "@/tests/integration/deployments/worker-drills";
import { startRedisServer, type RedisServer } from "@/tests/integration/deployments/redis-server";

// Redis restarts with a deployment's job queued, and the deployment still runs: from Redis's own append-only file
// when it keeps one, and from PostgreSQL (the worker re-queues unfinished deployments when Redis comes back) when
// it keeps nothing. The shared Redis is used by other test files, so this file runs its own redis-server.
const redisPort = await freePort();
// Read once by env(); the worker processes inherit it.
process.env.REDIS_URL = `redis://127.0.0.1:${redisPort}`;

let stack: ModelRuntime;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  stack = await startModelRuntime("modelport-redis-models-");
}, 120_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await stack?.stop();
});

/** A redis-server in a directory of its own that can be crashed and started again on the same port and files. */
async function givenRedis(persistent: boolean) {
  const directory = await temporaryDirectory("modelport-redis-");
  let server: RedisServer = await startRedisServer({ port: redisPort, directory: directory.directory, persistent });
  cleanups.push(async () => {
    await server.crash();
    await directory.remove();
  });
  return {
    restart: async () => {
      await server.crash();
      server = await startRedisServer({ port: redisPort, directory: directory.directory, persistent });
    },
  };
}

/** The real worker process; resolves once it has connected and scheduled its jobs. */
async function givenWorker(): Promise<ChildProcess> {
  const child = spawnWorkerProcess(stack.runtime, { env: { WORKER_METRICS_PORT: "0" }, output: "pipe" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("[worker] started")) resolve();
    });
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", () => reject(new Error(`The worker exited early:\n${output}`)));
  });
  return child;
}

/** A model with one registered version (the real fraud-gbt ONNX model), ready to promote. */
async function givenModel(prefix: string) {
  const scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
  const name = `${prefix}-${Date.now().toString(36)}`;
  await callApi("POST", "/models", {
    token: scientist.secret,
    json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
  });
  const entry = stack.manifest.find((m) => m.name === "fraud-gbt")!;
  const version = await registerThroughApi(scientist.secret, name, entry, stack.modelDirectory);
  const row = Object.fromEntries(entry.signature.inputs.map((input, i) => [input.name, 10 + i]));
  return { scientist, name, version, row };
}

const jobState = (deploymentId: string) => queueFor(deployJob.queue).getJobState(deployJobId(deploymentId));

/** Stops the worker, queues a staging deployment it cannot take yet, and restarts Redis under it. */
async function queueWhileRedisRestarts(
  worker: ChildProcess,
  redis: { restart: () => Promise<void> },
  model: Awaited<ReturnType<typeof givenModel>>,
) {
  worker.kill("SIGSTOP");
  const { deploymentId } = await requestPromotion(model.scientist.ctx, {
    modelName: model.name,
    version: model.version,
    environment: "STAGING",
    target: "LOCAL",
    strategy: { kind: "all-at-once" },
    reason: "redis drill",
  });
  expect(await jobState(deploymentId!)).toBe("waiting");
  await redis.restart();
  const afterRestart = await jobState(deploymentId!);
  worker.kill("SIGCONT");
  return { deploymentId: deploymentId!, afterRestart };
}

async function expectServed(model: Awaited<ReturnType<typeof givenModel>>) {
  const answer = await postJson(`${stack.runtime.baseUrl}/v1/endpoints/${model.name}-staging-local/predict`, {
    row: model.row,
  });
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ variant: `${model.name}-v${model.version}` });
}

describe("a Redis restart with a deployment queued", () => {
  it("keeps the job when Redis appends every write to disk, and the reconnected worker runs it", async () => {
    const redis = await givenRedis(true);
    const worker = await givenWorker();
    const model = await givenModel("redis-aof");

    const { deploymentId, afterRestart } = await queueWhileRedisRestarts(worker, redis, model);
    expect(afterRestart).toBe("waiting");
    expect(await settled(deploymentId)).toMatchObject({ status: "SUCCEEDED" });
    await expectServed(model);
  }, 120_000);

  it("loses the job when Redis keeps nothing on disk, and the worker re-queues the deployment from PostgreSQL", async () => {
    const redis = await givenRedis(false);
    const worker = await givenWorker();
    const model = await givenModel("redis-empty");

    const { deploymentId, afterRestart } = await queueWhileRedisRestarts(worker, redis, model);
    expect(afterRestart).toBe("unknown");
    expect(await settled(deploymentId)).toMatchObject({ status: "SUCCEEDED" });
    await expectServed(model);
  }, 120_000);

  it("mid-bake: one outcome, the job re-queued on reconnect and never run twice at once, predictions answered throughout", async () => {
    const redis = await givenRedis(false);
    await givenWorker();
    const model = await givenModel("redis-running");

    const { deploymentId } = await requestPromotion(model.scientist.ctx, {
      modelName: model.name,
      version: model.version,
      environment: "STAGING",
      target: "LOCAL",
      strategy: { kind: "canary", canaryPercent: 20, bakeSeconds: 6 },
      reason: "redis drill",
    });
    await until("the bake to start", () =>
      db().deploymentEvent.findFirst({ where: { deploymentId: deploymentId!, step: "bake:1", outcome: "RUNNING" } }),
    );
    // Clients predict throughout the restart: the runtime serves without Redis, and the bake needs their requests.
    const traffic = predictors(stack.runtime.baseUrl, `${model.name}-staging-local`, model.row);
    await redis.restart();
    await until(
      "the worker to re-queue the running deployment",
      async () => (await jobState(deploymentId!)) !== "unknown",
    );

    expect(await settled(deploymentId!)).toMatchObject({ status: "SUCCEEDED" });
    const answers = await traffic.stop();
    expect(answers.failures).toEqual([]);
    expect(answers.statuses[200]).toBeGreaterThan(20);
    const events = await db().deploymentEvent.findMany({
      where: { deploymentId: deploymentId! },
      orderBy: { id: "asc" },
    });
    expect(events.filter((e) => e.step === "bake:1").map((e) => [e.attempt, e.outcome])).toEqual([[1, "SUCCEEDED"]]);
    expect(events.filter((e) => e.step === "apply-endpoint")).toHaveLength(1);
    await expectServed(model);
  }, 120_000);
});
