import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EndpointView } from "@/contracts/runtime-control";
import { serveTabularEndpoint } from "@/tests/integration/runtime/runtime-endpoint";
import {
  counterValue,
  startRuntime,
  temporaryDirectory,
  type RunningRuntime,
} from "@/tests/integration/runtime/runtime-process";
import { onnxModel } from "@/tests/integration/support/model-artifacts";
import { until } from "@/tests/integration/support/until";

/*
 * Invariants of the runtime's model memory budget (RUNTIME_MODEL_MEMORY_BUDGET_BYTES, here room for two models): the
 * loaded model bytes stay within it while anything can be evicted; the endpoint evicted is the least recently used of
 * those that may scale to zero and have been idle for the minimum time (RUNTIME_MODEL_MIN_IDLE_MS, here 300 ms),
 * never the one being loaded and never one without scale to zero; an evicted endpoint is asleep, not gone: its next
 * request is a 503 with Retry-After, then it serves the same answers again; with nothing evictable, a load goes ahead.
 */

const MODEL_BYTES = onnxModel(7).byteLength;
const MIN_IDLE_MS = 300;
const ROW = { amount: 42, hour: 3 };
const sleepy = { scaleToZero: { idleSeconds: 3600 } };
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
const runtimes: RunningRuntime[] = [];

const budgetedRuntime = async () => {
  const runtime = await startRuntime({
    RUNTIME_INFERENCE_THREADS: "1",
    RUNTIME_MODEL_MEMORY_BUDGET_BYTES: String(2 * MODEL_BYTES),
    RUNTIME_MODEL_MIN_IDLE_MS: String(MIN_IDLE_MS),
  });
  runtimes.push(runtime);
  return runtime;
};

beforeAll(async () => {
  directory = await temporaryDirectory("modelport-memory-budget-");
}, 60_000);

afterAll(async () => {
  for (const runtime of runtimes) await runtime.stop();
  await directory?.remove();
});

function client(runtime: RunningRuntime) {
  const stateOf = async (name: string) => {
    const response = await fetch(`${runtime.baseUrl}/v1/control/endpoints/${name}`, {
      headers: { authorization: `Bearer ${runtime.controlToken}` },
    });
    return ((await response.json()) as EndpointView).sleep?.state ?? "always on";
  };
  const predict = (name: string) =>
    fetch(`${runtime.baseUrl}/v1/endpoints/${name}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ row: ROW }),
    });
  const metrics = async () => (await fetch(`${runtime.baseUrl}/metrics`)).text();
  /** The unlabelled gauge's value (counterValue reads labelled series only). */
  const loadedBytes = async () =>
    Number(/^modelport_runtime_loaded_model_bytes (\S+)$/m.exec(await metrics())?.[1] ?? Number.NaN);
  const evictions = async (endpoint: string) =>
    counterValue(await metrics(), "modelport_runtime_endpoint_evictions_total", { endpoint });
  const serve = (name: string, extra = {}) => serveTabularEndpoint(runtime, directory.directory, name, extra);
  return { stateOf, predict, loadedBytes, evictions, serve };
}

describe("a runtime with a model memory budget", () => {
  it("evicts the least recently used endpoint that may scale to zero, and wakes it on its next request", async () => {
    const rt = client(await budgetedRuntime());
    await rt.serve("pinned");
    await rt.serve("first", sleepy);
    const answer = await rt.predict("first");
    expect(answer.status).toBe(200);
    expect(await rt.loadedBytes()).toBe(2 * MODEL_BYTES);

    // A third model: "first" (the only evictable one) makes room; "pinned" has no scale to zero and stays.
    await sleep(MIN_IDLE_MS + 100);
    await rt.serve("second", sleepy);
    expect([await rt.stateOf("first"), await rt.stateOf("pinned"), await rt.stateOf("second")]).toEqual([
      "asleep",
      "always on",
      "awake",
    ]);
    expect(await rt.loadedBytes()).toBe(2 * MODEL_BYTES);
    expect(await rt.evictions("first")).toBe(1);

    // "first" is asleep, not gone: 503 + Retry-After; waking it evicts "second", idle long enough by then.
    await sleep(MIN_IDLE_MS + 100);
    const waking = await rt.predict("first");
    expect(waking.status).toBe(503);
    expect(Number(waking.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const served = await until("first awake again", async () => {
      const again = await rt.predict("first");
      return again.status === 200 && again;
    });
    const before = (await answer.json()) as { predictions: unknown[] };
    expect(((await served.json()) as { predictions: unknown[] }).predictions).toEqual(before.predictions);
    expect([await rt.stateOf("second"), await rt.stateOf("pinned")]).toEqual(["asleep", "always on"]);
    expect(await rt.loadedBytes()).toBe(2 * MODEL_BYTES);
  });

  it("evicts by recency: of two endpoints that may sleep, the one used longer ago goes first", async () => {
    const rt = client(await budgetedRuntime());
    await rt.serve("older", sleepy);
    await rt.serve("newer", sleepy);
    expect((await rt.predict("older")).status).toBe(200);
    await sleep(50);
    expect((await rt.predict("newer")).status).toBe(200);
    await sleep(MIN_IDLE_MS + 100);
    await rt.serve("third", sleepy);
    expect([await rt.stateOf("older"), await rt.stateOf("newer"), await rt.stateOf("third")]).toEqual([
      "asleep",
      "awake",
      "awake",
    ]);
    // An endpoint used within the minimum idle time is not evicted: with nothing else to evict, the load goes over.
    expect((await rt.predict("newer")).status).toBe(200);
    await rt.serve("fourth", sleepy);
    await sleep(50);
    expect(await rt.stateOf("newer")).toBe("awake");
    expect(await rt.loadedBytes()).toBeGreaterThan(2 * MODEL_BYTES);
  });

  it("loads past the budget, rather than refuse, when nothing may be evicted", async () => {
    const rt = client(await budgetedRuntime());
    for (const name of ["pinned", "pinned-too", "pinned-three"]) await rt.serve(name);
    for (const name of ["pinned", "pinned-too", "pinned-three"]) {
      expect(await rt.stateOf(name)).toBe("always on");
      expect((await rt.predict(name)).status).toBe(200);
    }
    expect(await rt.loadedBytes()).toBe(3 * MODEL_BYTES);
  });
});
