import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Signature } from "@/contracts/signature";
import { db } from "@/server/db/client";
import { onnxModelFor } from "@/tests/integration/support/model-artifacts";
import {
  counterValue,
  freePort,
  inParallel,
  postJson,
  startRuntime,
  temporaryDirectory,
  type RunningRuntime,
} from "@/tests/integration/runtime/runtime-process";
import { capturedCount, drain, loaderFor, REDIS_URL, testStream } from "@/tests/integration/capture/capture-fixtures";
import { parseStreamEntries, type StreamEntry } from "@/server/services/capture/stream-entries";

const SIGNATURE: Signature = {
  inputs: [
    { name: "amount", type: "float32", shape: [-1, 1] },
    { name: "channel", type: "string", shape: [-1, 1] },
  ],
  outputs: [{ name: "probability", type: "float32", shape: [-1, 1] }],
};
const OUTCOMES = ["captured", "dropped_buffer_full", "dropped_redis_down", "capture_off", "not_sampled"];

let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let modelPath: string;
let sha256: string;
const stream = testStream();
const runtimes: RunningRuntime[] = [];

beforeAll(async () => {
  directory = await temporaryDirectory("capture-runtime-");
  const bytes = onnxModelFor(SIGNATURE, 3);
  modelPath = path.join(directory.directory, "model.onnx");
  await writeFile(modelPath, bytes);
  sha256 = createHash("sha256").update(bytes).digest("hex");
});
afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.stop()));
  await stream.cleanup();
  await directory.remove();
});

async function runtimeWith(redisUrl: string, extra: Record<string, string> = {}) {
  const runtime = await startRuntime({
    RUNTIME_CAPTURE_REDIS_URL: redisUrl,
    CAPTURE_STREAM_KEY: stream.key,
    RUNTIME_INFERENCE_THREADS: "1",
    ...extra,
  });
  runtimes.push(runtime);
  return runtime;
}

async function control(runtime: RunningRuntime, pathName: string, body: unknown) {
  const response = await fetch(`${runtime.baseUrl}/v1/control/endpoints/${pathName}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${runtime.controlToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`PUT ${pathName}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

const serve = (runtime: RunningRuntime, endpoint: string, rate = 1) =>
  control(runtime, endpoint, {
    variants: [
      {
        variantName: "v1",
        modelName: "capture-model",
        modelVersion: 2,
        modelPath,
        sha256,
        signature: SIGNATURE,
        weight: 100,
      },
    ],
    capture: { rate },
  });

const row = (i: number) => ({ amount: (i % 97) * 3.5, channel: i % 2 ? "01001" : "0742", ignored: "x" });

async function metricsText(runtime: RunningRuntime) {
  return (await fetch(`${runtime.baseUrl}/metrics`)).text();
}

/** Waits until the capture buffer is empty, then answers the capture outcomes and the rows predicted. */
async function settledCounts(runtime: RunningRuntime, endpoint: string) {
  for (let i = 0; i < 100; i++) {
    const text = await metricsText(runtime);
    const buffered = /^modelport_runtime_capture_buffered_rows (\S+)$/m.exec(text);
    if (buffered && Number(buffered[1]) === 0) {
      const outcomes = Object.fromEntries(
        OUTCOMES.map((outcome) => [
          outcome,
          counterValue(text, "modelport_runtime_capture_total", { endpoint, outcome }),
        ]),
      );
      const predicted = counterValue(text, "modelport_runtime_predicted_rows_total", { endpoint });
      return { outcomes, predicted };
    }
    await sleep(100);
  }
  throw new Error("The capture buffer never emptied");
}

const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

describe("prediction capture on the real runtime", () => {
  it("answers a prediction id per row and refuses bad correlation ids with a 400", async () => {
    const runtime = await runtimeWith(REDIS_URL);
    await serve(runtime, "ids");
    const url = `${runtime.baseUrl}/v1/endpoints/ids/predict`;
    const many = await postJson(url, { rows: [row(1), row(2), row(3)], correlationIds: ["a", "b", "c"] });
    expect(many.status).toBe(200);
    const ids = many.body.predictionIds as string[];
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(many.body.predictionId).toBe(ids[0]);
    expect((await postJson(url, { row: row(1), correlationId: "tx-9" })).status).toBe(200);
    for (const bad of [
      { rows: [row(1), row(2)], correlationIds: ["a"] },
      { rows: [row(1)], correlationIds: [""] },
      { rows: [row(1)], correlationIds: [7] },
      { row: row(1), correlationId: "x".repeat(201) },
      { row: row(1), correlationIds: ["a"] },
      { rows: [row(1)], correlationId: "a" },
    ]) {
      const answer = await postJson(url, bad);
      expect(answer.status, JSON.stringify(bad).slice(0, 80)).toBe(400);
      expect(answer.body.code).toBe("BAD_REQUEST");
    }
  });

  it("under load, every predicted row is captured or counted as dropped, and the loader loads exactly the captured ones", async () => {
    const runtime = await runtimeWith(REDIS_URL);
    await serve(runtime, "load");
    const url = `${runtime.baseUrl}/v1/endpoints/load/predict`;
    const answers = await inParallel(600, 16, async (i) => {
      const rows = Array.from({ length: 1 + (i % 12) }, (_, r) => row(i * 13 + r));
      return postJson(url, { rows, correlationIds: rows.map((_, r) => `load-${i}-${r}`) });
    });
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const rowsSent = answers.reduce((n, a) => n + (a.body.predictionIds as string[]).length, 0);
    const { outcomes, predicted } = await settledCounts(runtime, "load");
    expect(predicted).toBe(rowsSent);
    expect(sum(outcomes)).toBe(rowsSent);
    expect(outcomes.captured).toBeGreaterThan(0);

    await drain(loaderFor(stream.redis, stream.key, { batch: 2000 }));
    expect(await capturedCount({ endpointName: "load" })).toBe(outcomes.captured);
    const sample = await db().capturedPrediction.findFirstOrThrow({ where: { correlationId: "load-1-0" } });
    expect(sample.inputs).toEqual({ amount: 13 * 3.5, channel: "01001" });
    expect(sample).toMatchObject({
      modelName: "capture-model",
      modelVersion: 2,
      variantName: "v1",
      captureProbability: 1,
    });
    expect(sample.id).toBe((answers[1]!.body.predictionIds as string[])[0]);
  });

  it("samples at the endpoint's rate, changed live without reloading the model", async () => {
    const runtime = await runtimeWith(REDIS_URL);
    await serve(runtime, "rate", 1);
    const view = await control(runtime, "rate/capture", { rate: 0 });
    expect(view.capture).toEqual({ rate: 0 });
    const url = `${runtime.baseUrl}/v1/endpoints/rate/predict`;
    await inParallel(50, 4, () => postJson(url, { rows: [row(1), row(2)] }));
    let counts = await settledCounts(runtime, "rate");
    expect(counts.outcomes.not_sampled).toBe(100);
    expect(counts.outcomes.captured).toBe(0);
    await control(runtime, "rate/capture", { rate: 0.5 });
    await inParallel(200, 4, () => postJson(url, { rows: [row(1), row(2)] }));
    counts = await settledCounts(runtime, "rate");
    // 400 rows at 0.5: sd 10; 6 sd either side.
    expect(Math.abs(counts.outcomes.captured! - 200)).toBeLessThan(60);
    expect(sum(counts.outcomes)).toBe(500);
    const bad = await fetch(`${runtime.baseUrl}/v1/control/endpoints/rate/capture`, {
      method: "PUT",
      headers: { authorization: `Bearer ${runtime.controlToken}`, "content-type": "application/json" },
      body: JSON.stringify({ rate: 1.5 }),
    });
    expect(bad.status).toBe(400);
  });

  it("with Redis down, every prediction is still answered and every row's drop is counted", async () => {
    const runtime = await runtimeWith(`redis://127.0.0.1:${await freePort()}`);
    await serve(runtime, "down");
    const url = `${runtime.baseUrl}/v1/endpoints/down/predict`;
    const answers = await inParallel(300, 8, (i) => postJson(url, { rows: [row(i), row(i + 1)] }));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const { outcomes, predicted } = await settledCounts(runtime, "down");
    expect(predicted).toBe(600);
    expect(outcomes.captured).toBe(0);
    expect(outcomes.dropped_redis_down! + outcomes.dropped_buffer_full!).toBe(600);
  });

  it("captures a shadow's predictions with ids of their own linked to the live ones by mirrorOf", async () => {
    const runtime = await runtimeWith(REDIS_URL);
    const shadowBytes = onnxModelFor(SIGNATURE, 4);
    const shadowPath = path.join(directory.directory, "shadow.onnx");
    await writeFile(shadowPath, shadowBytes);
    const live = { variantName: "v1", modelName: "capture-model", modelVersion: 2, modelPath, sha256 };
    await control(runtime, "mirror", {
      variants: [
        { ...live, signature: SIGNATURE, weight: 100 },
        {
          variantName: "challenger",
          modelName: "capture-model",
          modelVersion: 3,
          modelPath: shadowPath,
          sha256: createHash("sha256").update(shadowBytes).digest("hex"),
          signature: SIGNATURE,
          weight: 0,
          shadow: true,
        },
      ],
    });
    const url = `${runtime.baseUrl}/v1/endpoints/mirror/predict`;
    const answers = await inParallel(20, 4, (i) =>
      postJson(url, { rows: [row(i), row(i + 1)], correlationIds: [`m-${i}-0`, `m-${i}-1`] }),
    );
    expect(answers.map((a) => [a.status, a.body.variant])).toEqual(answers.map(() => [200, "v1"]));
    const liveIds = answers.flatMap((a) => a.body.predictionIds as string[]);
    const shadowLabels = { endpoint: "mirror", variant: "challenger" };
    const shadowCaptured = (text: string) =>
      counterValue(text, "modelport_runtime_shadow_capture_total", { ...shadowLabels, outcome: "captured" });
    let text = "";
    for (let i = 0; i < 100; i++) {
      text = await metricsText(runtime);
      if (shadowCaptured(text) >= 40) break;
      await sleep(50);
    }
    // The live identity (predicted rows = capture outcomes) holds for the 40 answered rows alone; the shadow's 40 rows
    // are in its own families, where the same identity holds.
    const { outcomes, predicted } = await settledCounts(runtime, "mirror");
    expect(predicted).toBe(40);
    expect(outcomes.captured).toBe(40);
    expect(sum(outcomes)).toBe(40);
    expect(counterValue(text, "modelport_runtime_shadow_rows_total", shadowLabels)).toBe(40);
    expect(shadowCaptured(text)).toBe(40);
    expect(counterValue(text, "modelport_runtime_shadow_capture_total", shadowLabels)).toBe(40);
    expect(counterValue(text, "modelport_runtime_predicted_rows_total", { variant: "challenger" })).toBe(0);

    const entries = (await stream.redis.xrange(stream.key, "-", "+")) as StreamEntry[];
    const records = parseStreamEntries(entries, Date.now())
      .valid.map((v) => v.record)
      .filter((r) => r.endpoint === "mirror");
    const mirrored = records.filter((r) => r.variant === "challenger");
    expect(records.filter((r) => r.variant === "v1").every((r) => r.mirrorOf === undefined)).toBe(true);
    expect(mirrored).toHaveLength(40);
    expect(new Set(mirrored.map((r) => r.mirrorOf))).toEqual(new Set(liveIds));
    for (const r of mirrored) {
      expect(liveIds).not.toContain(r.id);
      expect(r).toMatchObject({ modelVersion: 3, correlationId: undefined });
    }
    const pair = mirrored.find((r) => r.mirrorOf === liveIds[0])!;
    expect(pair.inputs).toEqual({ amount: row(0).amount, channel: row(0).channel });

    await drain(loaderFor(stream.redis, stream.key, { batch: 2000 }));
    expect(await capturedCount({ endpointName: "mirror" })).toBe(80);
  });

  it("without a capture Redis, capture is off and counted so", async () => {
    const runtime = await runtimeWith("");
    await serve(runtime, "off");
    await inParallel(10, 2, (i) => postJson(`${runtime.baseUrl}/v1/endpoints/off/predict`, { row: row(i) }));
    const text = await metricsText(runtime);
    expect(counterValue(text, "modelport_runtime_capture_total", { endpoint: "off", outcome: "capture_off" })).toBe(10);
  });
});
