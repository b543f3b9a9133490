import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { copyFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowObject, rowOf } from "@/training/dataset";
import type { BuiltModel } from "@/training/catalog";
import { writeModels, type ManifestEntry } from "@/training/write-models";
import { LoopbackServer } from "@/tests/integration/support/loopback-server";
import { freePort, postJson, startRuntime, temporaryDirectory } from "@/tests/integration/runtime/runtime-process";

// The runtime as a serving image: one model from its settings (a path or a URL, a signature), the serving routes,
// no control API and so no token — what the Kubernetes ONNX target's pods run (onnx-container.ts sets these).
const ROOT = path.resolve(import.meta.dirname, "../../..");
const MODEL = "delivery-time-gbt";
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let entry: ManifestEntry;
let model: BuiltModel;
let modelBytes: Buffer;
/** Downloads of `/held/model.onnx` wait for this, so a test can look at the runtime while its model loads. */
let held = Promise.resolve();
const artifactServer = new LoopbackServer((request, response) => {
  const serve = () => {
    response.writeHead(200, { "content-type": "application/octet-stream" });
    response.end(modelBytes);
  };
  if (request.url === "/model.onnx") return serve();
  if (request.url === "/held/model.onnx") return void held.then(serve);
  response.writeHead(404).end();
});
let artifactHost: string;

beforeAll(async () => {
  directory = await temporaryDirectory("modelport-standalone-");
  const written = await writeModels(directory.directory);
  entry = written.manifest.find((m) => m.name === MODEL)!;
  model = written.models.find((m) => m.name === MODEL)!;
  modelBytes = await readFile(path.join(directory.directory, entry.file));
  artifactHost = `http://${await artifactServer.start()}`;
}, 60_000);

afterAll(async () => {
  await artifactServer.stop();
  await directory?.remove();
});

const settings = (extra: Record<string, string>) => ({
  RUNTIME_CONTROL_TOKEN: "",
  MODELPORT_ENDPOINT: "eta",
  MODELPORT_VARIANT: "eta-v3",
  MODELPORT_MODEL_NAME: MODEL,
  MODELPORT_MODEL_VERSION: "3",
  MODELPORT_SIGNATURE: JSON.stringify(entry.signature),
  ...extra,
});

/** Not ready while the model loads (a pod gets no traffic then), ready once it serves. */
async function waitReady(baseUrl: string) {
  const deadline = Date.now() + 30_000;
  while ((await fetch(`${baseUrl}/readyz`)).status !== 200) {
    if (Date.now() > deadline) throw new Error("The standalone runtime was not ready in 30 s");
    await sleep(100);
  }
}

async function expectPrediction(baseUrl: string) {
  await waitReady(baseUrl);
  const { status, body } = await postJson(`${baseUrl}/v1/endpoints/eta/predict`, { row: rowObject(model.test, 0) });
  expect(status).toBe(200);
  const minutes = (body.predictions as Array<{ delivery_minutes: number }>)[0]!.delivery_minutes;
  expect(Math.abs(minutes - model.predict(rowOf(model.test, 0)))).toBeLessThan(1e-4);
}

/**
 * SageMaker's container contract (what a SageMaker endpoint or transform job calls): `GET /ping`, and
 * `POST /invocations` with CSV records in signature order (answered one output line each) or with JSON.
 */
async function expectSageMakerContract(baseUrl: string) {
  expect((await fetch(`${baseUrl}/ping`)).status).toBe(200);
  const rows = [0, 1, 2];
  const csv = await fetch(`${baseUrl}/invocations`, {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: rows.map((i) => `${rowOf(model.test, i).join(",")}\n`).join(""),
  });
  expect(csv.status).toBe(200);
  expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
  const minutes = (await csv.text()).trimEnd().split("\n").map(Number);
  expect(minutes).toHaveLength(rows.length);
  rows.forEach((i) => expect(Math.abs(minutes[i]! - model.predict(rowOf(model.test, i)))).toBeLessThan(1e-4));
  const json = await postJson(`${baseUrl}/invocations`, { row: rowObject(model.test, 0) });
  expect(json.status).toBe(200);
  expect((json.body.predictions as Array<{ delivery_minutes: number }>)[0]!.delivery_minutes).toBeCloseTo(
    minutes[0]!,
    6,
  );
  const other = await fetch(`${baseUrl}/invocations`, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: "1",
  });
  expect(other.status).toBe(415);
  expect((await fetch(`${baseUrl}/invocations`)).status).toBe(405);
}

/** Runs the runtime until it exits by itself (a refused setting), returning its exit code and output. */
async function runUntilExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["runtime/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

describe("the standalone runtime", () => {
  it("serves a model directory with no control token: predict, health, readiness, metrics; no control API", async () => {
    const modelDirectory = path.join(directory.directory, "mounted");
    await mkdir(modelDirectory, { recursive: true });
    await copyFile(path.join(directory.directory, entry.file), path.join(modelDirectory, "model.onnx"));
    const runtime = await startRuntime(settings({ MODELPORT_MODEL_PATH: modelDirectory }));
    try {
      await expectPrediction(runtime.baseUrl);
      expect((await fetch(`${runtime.baseUrl}/healthz`)).status).toBe(200);
      const metrics = await (await fetch(`${runtime.baseUrl}/metrics`)).text();
      expect(metrics).toContain('modelport_runtime_requests_total{endpoint="eta",variant="eta-v3",status="200"} 1');
      const control = await fetch(`${runtime.baseUrl}/v1/control/endpoints/eta`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(control.status).toBe(404);
      expect(await control.text()).toMatch(/no control API/);
      await expectSageMakerContract(runtime.baseUrl);
    } finally {
      await runtime.stop();
    }
  }, 60_000);

  it("downloads a model from a URL, checked against its digest, and is not ready until it serves it", async () => {
    const scratch = path.join(directory.directory, "scratch");
    let release = () => {};
    held = new Promise((resolve) => (release = resolve));
    const runtime = await startRuntime(
      settings({
        MODELPORT_MODEL_URL: `${artifactHost}/held/model.onnx`,
        MODELPORT_MODEL_SHA256: entry.sha256,
        MODELPORT_SCRATCH_DIR: scratch,
      }),
    );
    try {
      // Alive (the kubelet keeps it) but not ready (no traffic) while the model is still downloading.
      expect((await fetch(`${runtime.baseUrl}/healthz`)).status).toBe(200);
      expect((await fetch(`${runtime.baseUrl}/readyz`)).status).toBe(503);
      expect((await fetch(`${runtime.baseUrl}/ping`)).status).toBe(503);
      const early = await fetch(`${runtime.baseUrl}/invocations`, {
        method: "POST",
        headers: { "content-type": "text/csv" },
        body: `${rowOf(model.test, 0).join(",")}\n`,
      });
      expect(early.status).toBe(503);
      release();
      await expectPrediction(runtime.baseUrl);
    } finally {
      await runtime.stop();
    }
  }, 60_000);

  it.each([
    [{ MODELPORT_MODEL_URL: "http://127.0.0.1:9/model.onnx" }, /needs MODELPORT_MODEL_SHA256/],
    [{ MODELPORT_MODEL_SHA256: "0".repeat(64) }, /sha256 is [0-9a-f]{64}, not MODELPORT_MODEL_SHA256/],
    [{ MODELPORT_SIGNATURE: "" }, /Set MODELPORT_SIGNATURE/],
    [{ MODELPORT_SIGNATURE: "{not json" }, /MODELPORT_SIGNATURE is not JSON/],
    [{ MODELPORT_MODEL_PATH: "/nonexistent/model.onnx" }, /nothing at \/nonexistent/],
    [{ RUNTIME_CONTROL_TOKEN: "a".repeat(32) }, /set one or the other/],
  ])(
    "refuses to start on a wrong setting, saying which (%#)",
    async (wrong, message) => {
      const base = settings({
        MODELPORT_MODEL_URL: `${artifactHost}/model.onnx`,
        MODELPORT_SCRATCH_DIR: path.join(directory.directory, "scratch-bad"),
      });
      const env: Record<string, string> = { ...base, MODELPORT_MODEL_SHA256: entry.sha256, ...wrong };
      if ("MODELPORT_MODEL_PATH" in wrong) env.MODELPORT_MODEL_URL = "";
      if ("MODELPORT_MODEL_URL" in wrong) env.MODELPORT_MODEL_SHA256 = "";
      const { code, output } = await runUntilExit(env);
      expect(code).toBe(1);
      expect(output).toMatch(message);
    },
    60_000,
  );
});
