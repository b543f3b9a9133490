import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EndpointView } from "@/contracts/runtime-control";
import { putEndpoint, serveTabularEndpoint } from "@/tests/integration/runtime/runtime-endpoint";
import {
  counterValue,
  postJson,
  startRuntime,
  temporaryDirectory,
  type RunningRuntime,
} from "@/tests/integration/runtime/runtime-process";
import { until } from "@/tests/integration/support/until";

/*
 * Invariants of scale to zero: an endpoint idle for its idle time unloads its models and keeps its configuration; a
 * request to it is never a 404: it wakes the endpoint (once, however many requests arrive meanwhile) and is answered
 * 503 with Retry-After until the models serve again, with the same answers as before; requests keep it awake; the
 * runtime stays ready (a sleeping endpoint is not a failed one); a PUT or a DELETE of a sleeping endpoint works.
 */

let runtime: RunningRuntime;
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
const ROW = { amount: 42, hour: 3 };

beforeAll(async () => {
  directory = await temporaryDirectory("modelport-scale-to-zero-");
  runtime = await startRuntime({ RUNTIME_INFERENCE_THREADS: "1" });
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
  await directory?.remove();
});

const control = (path: string, init: RequestInit = {}) =>
  fetch(`${runtime.baseUrl}/v1/control/endpoints/${path}`, {
    ...init,
    headers: { authorization: `Bearer ${runtime.controlToken}`, "content-type": "application/json" },
  });
const viewOf = async (name: string) => (await (await control(name)).json()) as EndpointView;
const predict = (name: string) => postJson(`${runtime.baseUrl}/v1/endpoints/${name}/predict`, { row: ROW });
const metric = async (name: string, labels: Record<string, string>) =>
  counterValue(await (await fetch(`${runtime.baseUrl}/metrics`)).text(), name, labels);

async function asleep(name: string) {
  await until(`${name} to scale to zero`, async () => (await viewOf(name)).sleep?.state === "asleep", 10_000);
}

async function sleepingEndpoint(name: string) {
  await serveTabularEndpoint(runtime, directory.directory, name, { scaleToZero: { idleSeconds: 1 } });
  const first = await predict(name);
  expect(first.status).toBe(200);
  await asleep(name);
  return (first.body.predictions as Array<{ probability: number }>)[0]!.probability;
}

describe("an endpoint scaled to zero", () => {
  it("unloads its models when idle, stays configured, and the runtime stays ready", async () => {
    await sleepingEndpoint("idle");
    const view = await viewOf("idle");
    expect(view.sleep).toEqual({ state: "asleep", idleSeconds: 1 });
    expect(view.variants.map((v) => [v.variantName, v.weight, v.ready])).toEqual([["v1", 100, false]]);
    expect(await metric("modelport_runtime_endpoint_asleep", { endpoint: "idle" })).toBe(1);
    // No instance while asleep: the cost views, which price these instances, count it at zero.
    expect(await metric("modelport_runtime_variant_instances", { endpoint: "idle" })).toBe(0);
    expect((await fetch(`${runtime.baseUrl}/readyz`)).status).toBe(200);
  });

  it("wakes once for the requests that find it asleep, answering them 503 with Retry-After, then serves the same answers", async () => {
    const before = await sleepingEndpoint("sleeper");
    const wakesBefore = await metric("modelport_runtime_endpoint_wake_seconds_count", { endpoint: "sleeper" });
    const early = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${runtime.baseUrl}/v1/endpoints/sleeper/predict`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ row: ROW }),
        }),
      ),
    );
    // Those that arrive before the model is loaded again are 503 with Retry-After; a fast wake serves the later ones.
    const statuses = early.map((response) => response.status);
    expect(statuses.filter((status) => status === 503).length, String(statuses)).toBeGreaterThanOrEqual(1);
    for (const response of early) {
      expect([200, 503]).toContain(response.status);
      if (response.status !== 503) continue;
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await response.json()).toMatchObject({ code: "UNAVAILABLE", error: expect.stringMatching(/waking up/) });
    }
    let refused = statuses.filter((status) => status === 503).length;
    const served = await until("the endpoint to serve again", async () => {
      const answer = await predict("sleeper");
      expect([200, 503]).toContain(answer.status);
      if (answer.status === 503) refused++;
      return answer.status === 200 ? answer : undefined;
    });
    expect((served.body.predictions as Array<{ probability: number }>)[0]!.probability).toBe(before);
    expect((await viewOf("sleeper")).sleep?.state).toBe("awake");
    expect(await metric("modelport_runtime_endpoint_wake_seconds_count", { endpoint: "sleeper" })).toBe(
      wakesBefore + 1,
    );
    expect(await metric("modelport_runtime_endpoint_asleep", { endpoint: "sleeper" })).toBe(0);
    expect(await metric("modelport_runtime_requests_total", { endpoint: "sleeper", status: "503" })).toBe(refused);
    expect(await metric("modelport_runtime_variant_instances", { endpoint: "sleeper" })).toBe(1);
    // CSV invocations wake it and are answered the same way.
    await asleep("sleeper");
    const csv = await fetch(`${runtime.baseUrl}/v1/endpoints/sleeper/invocations`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: "42,3\n",
    });
    expect(csv.status).toBe(503);
    expect(csv.headers.get("retry-after")).not.toBeNull();
  });

  it("is kept awake by its requests", async () => {
    await serveTabularEndpoint(runtime, directory.directory, "busy", { scaleToZero: { idleSeconds: 1 } });
    for (let i = 0; i < 10; i++) {
      expect((await predict("busy")).status).toBe(200);
      await sleep(300);
    }
    expect((await viewOf("busy")).sleep?.state).toBe("awake");
  });

  it("takes a new configuration or a delete while asleep", async () => {
    // The same configuration again (the same variant and model): it serves, and keeps serving.
    const before = await sleepingEndpoint("same");
    await serveTabularEndpoint(runtime, directory.directory, "same", { scaleToZero: { idleSeconds: 60 } });
    for (let i = 0; i < 3; i++) {
      const again = await predict("same");
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect((again.body.predictions as Array<{ probability: number }>)[0]!.probability).toBe(before);
    }
    expect(await metric("modelport_runtime_endpoint_asleep", { endpoint: "same" })).toBe(0);

    await sleepingEndpoint("replaced");
    const view = await viewOf("replaced");
    const variant = view.variants[0]!;
    await putEndpoint(runtime, "replaced", {
      variants: [
        {
          variantName: "v2",
          modelPath: variant.modelPath,
          sha256: variant.sha256,
          signature: {
            inputs: [
              { name: "amount", type: "float32", shape: [-1, 1] },
              { name: "hour", type: "float32", shape: [-1, 1] },
            ],
            outputs: [{ name: "probability", type: "float32", shape: [-1, 1] }],
          },
          weight: 100,
        },
      ],
    });
    const replaced = await viewOf("replaced");
    expect(replaced.sleep).toBeUndefined();
    expect(replaced.variants.map((v) => [v.variantName, v.ready])).toEqual([["v2", true]]);
    expect((await predict("replaced")).status).toBe(200);

    await sleepingEndpoint("deleted");
    expect((await control("deleted", { method: "DELETE" })).status).toBe(204);
    expect((await predict("deleted")).status).toBe(404);
    expect(await (await fetch(`${runtime.baseUrl}/metrics`)).text()).not.toContain(
      'endpoint_asleep{endpoint="deleted"}',
    );
  });
});
