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
 * those that may scale to zero, never the one being loaded and never one without scale to zero; an evicted endpoint
 * is asleep, not gone: its next request is a 503 with Retry-After, then it serves the same answers again.
 */

const MODEL_BYTES = onnxModel(7).byteLength;
const ROW = { amount: 42, hour: 3 };
let runtime: RunningRuntime;
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;

beforeAll(async () => {
  directory = await temporaryDirectory("modelport-memory-budget-");
  runtime = await startRuntime({
    RUNTIME_INFERENCE_THREADS: "1",
    RUNTIME_MODEL_MEMORY_BUDGET_BYTES: String(2 * MODEL_BYTES),
  });
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
  await directory?.remove();
});

const viewOf = async (name: string) =>
  (await (
    await fetch(`${runtime.baseUrl}/v1/control/endpoints/${name}`, {
      headers: { authorization: `Bearer ${runtime.controlToken}` },
    })
  ).json()) as EndpointView;
const stateOf = async (name: string) => (await viewOf(name)).sleep?.state ?? "always on";
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
const sleepy = { scaleToZero: { idleSeconds: 3600 } };

describe("a runtime with a model memory budget", () => {
  it("evicts the least recently used endpoint that may scale to zero, and wakes it on its next request", async () => {
    await serveTabularEndpoint(runtime, directory.directory, "pinned");
    await serveTabularEndpoint(runtime, directory.directory, "first", sleepy);
    const answer = await predict("first");
    expect(answer.status).toBe(200);
    expect(await loadedBytes()).toBe(2 * MODEL_BYTES);

    // A third model: "first" (the only evictable one) makes room; "pinned" has no scale to zero and stays.
    await serveTabularEndpoint(runtime, directory.directory, "second", sleepy);
    expect(await stateOf("first")).toBe("asleep");
    expect(await stateOf("pinned")).toBe("always on");
    expect(await stateOf("second")).toBe("awake");
    expect(await loadedBytes()).toBe(2 * MODEL_BYTES);
    expect(counterValue(await metrics(), "modelport_runtime_endpoint_evictions_total", { endpoint: "first" })).toBe(1);

    // "first" is asleep, not gone: 503 + Retry-After, and waking it evicts "second", now the least recently used.
    const waking = await predict("first");
    expect(waking.status).toBe(503);
    expect(Number(waking.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const served = await until("first awake again", async () => {
      const again = await predict("first");
      return again.status === 200 && again;
    });
    const first = (await answer.json()) as { predictions: unknown[] };
    expect(((await served.json()) as { predictions: unknown[] }).predictions).toEqual(first.predictions);
    expect(await stateOf("second")).toBe("asleep");
    expect(await stateOf("pinned")).toBe("always on");
    expect(await loadedBytes()).toBe(2 * MODEL_BYTES);
  });

  it("loads past the budget, rather than refuse, when nothing else may be evicted", async () => {
    await serveTabularEndpoint(runtime, directory.directory, "pinned-too");
    expect(await stateOf("first")).toBe("asleep");
    expect(await loadedBytes()).toBe(2 * MODEL_BYTES);
    await serveTabularEndpoint(runtime, directory.directory, "pinned-three");
    for (const name of ["pinned", "pinned-too", "pinned-three"]) {
      expect(await stateOf(name)).toBe("always on");
      expect((await predict(name)).status).toBe(200);
    }
    expect(await loadedBytes()).toBe(3 * MODEL_BYTES);
  });
});
