import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REQUEST_ID_HEADER } from "@/contracts/request-id";
import { handleTrpcRequest } from "@/server/api/http-handler";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { writeModels, type ManifestEntry } from "@/training/write-models";
import { callApi, givenToken } from "@/tests/integration/fixtures";
import { spawnWorkerProcess } from "@/tests/integration/deployments/deploy-stack";
import { registerThroughApi, settled } from "@/tests/integration/deployments/real-models";
import {
  postJson,
  startRuntime,
  temporaryDirectory,
  type RunningRuntime,
} from "@/tests/integration/runtime/runtime-process";
import { until } from "@/tests/integration/support/until";
import { captureLogs, parseLogLines, type LogLine } from "@/tests/log-capture";

// One request id from the portal's tRPC API (a staging promotion, which enqueues its deployment at once) through the
// BullMQ job to the real worker process and on to the real runtime process, read back from each one's JSON logs;
// neither a credential nor a feature value appears in any of them.
const REQUEST_ID = `trail-${Date.now().toString(36)}`;
const DATABASE_PASSWORD = "db-password-that-must-not-leak";
const FEATURE_VALUE = 7391.0417;

let runtime: RunningRuntime;
let worker: ChildProcess;
let workerOutput = "";
let models: { directory: string; remove: () => Promise<void>; manifest: ManifestEntry[] };

beforeAll(async () => {
  const directory = await temporaryDirectory("modelport-logs-models-");
  const { manifest } = await writeModels(directory.directory);
  models = { ...directory, manifest };
  // Debug: the runtime also logs its prediction requests (the ones a feature value could leak from).
  runtime = await startRuntime({ RUNTIME_INFERENCE_THREADS: "1", RUNTIME_LOG_LEVEL: "debug" });
  // PostgreSQL trusts loopback connections, so a password in the worker's DATABASE_URL is sent nowhere but its logs
  // could show it.
  const databaseUrl = new URL(process.env.DATABASE_URL!);
  databaseUrl.password = DATABASE_PASSWORD;
  worker = spawnWorkerProcess(runtime, {
    env: { WORKER_METRICS_PORT: "0", DATABASE_URL: databaseUrl.toString(), WORKER_LOG_LEVEL: "info" },
    output: "pipe",
  });
  worker.stdout?.on("data", (chunk: Buffer) => (workerOutput += chunk.toString()));
  worker.stderr?.on("data", (chunk: Buffer) => (workerOutput += chunk.toString()));
  await until("the worker to start", async () => {
    if (worker.exitCode !== null) throw new Error(`The worker exited early:\n${workerOutput}`);
    return workerOutput.includes("[worker] started");
  });
}, 120_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.kill("SIGTERM");
    await exited;
  }
  await runtime?.stop();
  await models?.remove();
});

const withId = (lines: LogLine[]) => lines.filter((line) => line.requestId === REQUEST_ID);

describe("structured logs", () => {
  it("follow one request id from the portal through the job and the worker to the runtime, with nothing secret", async () => {
    const scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
    const name = `logged-${Date.now().toString(36)}`;
    await callApi("POST", "/models", {
      token: scientist.secret,
      json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
    });
    const entry = models.manifest.find((m) => m.name === "fraud-gbt")!;
    const version = await registerThroughApi(scientist.secret, name, entry, models.directory);

    const portal = captureLogs();
    const user = await db().user.findUniqueOrThrow({ where: { id: scientist.user.id }, include: { team: true } });
    const request = new Request("http://localhost/api/trpc/deployments.requestPromotion", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: "http://localhost",
        "sec-fetch-site": "same-origin",
        [REQUEST_ID_HEADER]: REQUEST_ID,
        authorization: `Bearer ${scientist.secret}`,
      },
      body: JSON.stringify({
        json: {
          modelName: name,
          version,
          environment: "STAGING",
          target: "LOCAL",
          strategy: { kind: "all-at-once" },
          reason: "logs drill",
        },
      }),
    });
    const response = await handleTrpcRequest(request, async () => ({ system: systemContextFromEnv(), user }));
    portal.restore();
    expect(response.status).toBe(200);
    expect(response.headers.get(REQUEST_ID_HEADER)).toBe(REQUEST_ID);
    const answer = (await response.json()) as { result: { data: { json: { deploymentId: string } } } };
    const deployment = await settled(answer.result.data.json.deploymentId);
    expect(deployment.status).toBe("SUCCEEDED");

    // A prediction with the same id: the runtime logs it (at debug) without its feature values.
    const row = Object.fromEntries(entry.signature.inputs.map((input, i) => [input.name, FEATURE_VALUE + i]));
    const prediction = await postJson(
      `${runtime.baseUrl}/v1/endpoints/${name}-staging-local/predict`,
      { row },
      { [REQUEST_ID_HEADER]: REQUEST_ID },
    );
    expect(prediction.status).toBe(200);

    const portalLines = withId(portal.lines());
    expect(portalLines).toContainEqual(
      expect.objectContaining({
        name: "portal",
        msg: "request",
        method: "POST",
        path: "/api/trpc/deployments.requestPromotion",
        status: 200,
      }),
    );
    const workerLines = await until("the worker's job lines", async () => {
      const lines = withId(parseLogLines(workerOutput));
      return lines.some((line) => line.msg === "job finished") && lines;
    });
    expect(workerLines).toContainEqual(
      expect.objectContaining({ name: "worker", msg: "job started", job: "deploy", level: "info" }),
    );
    const runtimeLines = await until("the runtime's prediction line", async () => {
      const lines = withId(parseLogLines(runtime.output()));
      return lines.some((line) => String(line.path).endsWith("/predict")) && lines;
    });
    expect(runtimeLines).toContainEqual(
      expect.objectContaining({
        name: "runtime",
        msg: "request",
        method: "PUT",
        path: `/v1/control/endpoints/${name}-staging-local`,
        status: 200,
        level: "info",
      }),
    );
    expect(runtimeLines).toContainEqual(expect.objectContaining({ path: expect.stringMatching(/\/predict$/) }));

    for (const [process, output] of [
      ["portal", portal.text()],
      ["worker", workerOutput],
      ["runtime", runtime.output()],
    ]) {
      expect(parseLogLines(output!).length, process).toBeGreaterThan(0);
      for (const secret of [scientist.secret, runtime.controlToken, DATABASE_PASSWORD, String(FEATURE_VALUE)])
        expect(output, `${process} logs`).not.toContain(secret);
    }
  }, 120_000);
});
