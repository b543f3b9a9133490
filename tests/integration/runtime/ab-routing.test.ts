import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EndpointConfigInput, EndpointView } from "@/contracts/runtime-control";
import type { Signature } from "@/contracts/signature";
import { onnxModel, onnxModelFor, TABULAR_SIGNATURE } from "@/tests/integration/support/model-artifacts";
import {
  counterValue,
  inParallel,
  postJson,
  startRuntime,
  temporaryDirectory,
  type RunningRuntime,
} from "@/tests/integration/runtime/runtime-process";

/** A model that also needs a "channel" the tabular rows do not have. */
const WITH_CHANNEL: Signature = {
  ...TABULAR_SIGNATURE,
  inputs: [...TABULAR_SIGNATURE.inputs, { name: "channel", type: "string", shape: [-1, 1] }],
};

let runtime: RunningRuntime;
let models: Awaited<ReturnType<typeof temporaryDirectory>>;
const files = new Map<string, { modelPath: string; sha256: string }>();

beforeAll(async () => {
  models = await temporaryDirectory("modelport-ab-runtime-");
  for (const [name, bytes] of [
    ["control", onnxModel(11)],
    ["treatment", onnxModel(12)],
    ["with-channel", onnxModelFor(WITH_CHANNEL, 13)],
  ] as const) {
    const modelPath = path.join(models.directory, `${name}.onnx`);
    await writeFile(modelPath, bytes);
    files.set(name, { modelPath, sha256: createHash("sha256").update(bytes).digest("hex") });
  }
  runtime = await startRuntime({ RUNTIME_INFERENCE_THREADS: "1" });
}, 90_000);

afterAll(async () => {
  await runtime?.stop();
  await models?.remove();
});

const variant = (variantName: "control" | "treatment", weight: number) => ({
  variantName,
  ...files.get(variantName)!,
  signature: TABULAR_SIGNATURE,
  weight,
});
const shadowVariant = (variantName: "treatment" | "with-channel") => ({
  variantName,
  ...files.get(variantName)!,
  signature: variantName === "with-channel" ? WITH_CHANNEL : TABULAR_SIGNATURE,
  weight: 0,
  shadow: true,
});

async function control(method: string, route: string, body: unknown): Promise<Response> {
  return fetch(`${runtime.baseUrl}/v1/control/endpoints/${route}`, {
    method,
    headers: { authorization: `Bearer ${runtime.controlToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const metricsText = async () => (await fetch(`${runtime.baseUrl}/metrics`)).text();

const LIVE_REQUESTS = "modelport_runtime_requests_total";
const SHADOW_REQUESTS = "modelport_runtime_shadow_requests_total";

/**
 * Waits until the endpoint's request counter (live or shadow family) for the variant and status reaches `atLeast`
 * (mirrors finish after answers).
 */
async function requestsReach(family: string, variantName: string, status: string, atLeast: number): Promise<number> {
  const labels = { endpoint: "mirrored", variant: variantName, status };
  let value = 0;
  for (let i = 0; i < 100; i++) {
    value = counterValue(await metricsText(), family, labels);
    if (value >= atLeast) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return value;
}

async function put(endpoint: string, config: EndpointConfigInput): Promise<EndpointView> {
  const response = await fetch(`${runtime.baseUrl}/v1/control/endpoints/${endpoint}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${runtime.controlToken}`, "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  if (!response.ok) throw new Error(`PUT ${endpoint} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as EndpointView;
}

async function describeEndpoint(endpoint: string): Promise<EndpointView> {
  const response = await fetch(`${runtime.baseUrl}/v1/control/endpoints/${endpoint}`, {
    headers: { authorization: `Bearer ${runtime.controlToken}` },
  });
  return (await response.json()) as EndpointView;
}

async function variantFor(endpoint: string, key: string, via: "header" | "body"): Promise<string> {
  const row = { amount: 12.5, hour: 3 };
  const { status, body } =
    via === "header"
      ? await postJson(`${runtime.baseUrl}/v1/endpoints/${endpoint}/predict`, { row }, { "x-routing-key": key })
      : await postJson(`${runtime.baseUrl}/v1/endpoints/${endpoint}/predict`, { row, routingKey: key });
  expect(status).toBe(200);
  return body.variant as string;
}

describe("salted sticky routing on the real runtime", () => {
  const keys = Array.from({ length: 40 }, (_, i) => `customer-${i}`);

  it("keeps a routing key on one variant under a salt, reports the salt, and reassigns keys when only the salt changes", async () => {
    const variants = [variant("control", 50), variant("treatment", 50)];
    const view = await put("checkout", { variants, routing: { salt: "checkout-test-1" } });
    expect(view.routing).toEqual({ salt: "checkout-test-1" });
    expect((await describeEndpoint("checkout")).routing).toEqual({ salt: "checkout-test-1" });

    for (const key of ["customer-7", "customer-8"]) {
      const seen = new Set<string>();
      for (let i = 0; i < 50; i++) seen.add(await variantFor("checkout", key, i % 2 === 0 ? "header" : "body"));
      expect([...seen], key).toHaveLength(1);
    }

    const before = new Map<string, string>();
    for (const key of keys) before.set(key, await variantFor("checkout", key, "header"));
    expect(new Set(before.values()), "40 keys at 50/50 reach both variants").toEqual(new Set(["control", "treatment"]));

    await put("checkout", { variants, routing: { salt: "checkout-test-2" } });
    expect((await describeEndpoint("checkout")).routing).toEqual({ salt: "checkout-test-2" });
    const moved = [];
    for (const key of keys) if ((await variantFor("checkout", key, "header")) !== before.get(key)) moved.push(key);
    // Independent assignments: about half of the keys move (all 40 staying put has probability 2^-40).
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.length).toBeLessThan(keys.length);
    for (const key of moved.slice(0, 3)) {
      const seen = new Set<string>();
      for (let i = 0; i < 10; i++) seen.add(await variantFor("checkout", key, "header"));
      expect([...seen]).toHaveLength(1);
    }
  });

  it("routes unsalted endpoints as before and drops the salt when a PUT leaves it out", async () => {
    const variants = [variant("control", 50), variant("treatment", 50)];
    await put("plain", { variants });
    expect((await describeEndpoint("plain")).routing).toBeUndefined();
    const unsalted = new Map<string, string>();
    for (const key of keys) unsalted.set(key, await variantFor("plain", key, "header"));

    await put("plain", { variants, routing: { salt: "plain-test" } });
    await put("plain", { variants });
    expect((await describeEndpoint("plain")).routing).toBeUndefined();
    for (const key of keys) expect(await variantFor("plain", key, "header")).toBe(unsalted.get(key));
  });

  it("refuses a malformed salt with a 400 and leaves the endpoint as it was", async () => {
    const response = await fetch(`${runtime.baseUrl}/v1/control/endpoints/checkout`, {
      method: "PUT",
      headers: { authorization: `Bearer ${runtime.controlToken}`, "content-type": "application/json" },
      body: JSON.stringify({ variants: [variant("control", 100)], routing: { salt: "no spaces allowed" } }),
    });
    expect(response.status).toBe(400);
    expect((await describeEndpoint("checkout")).routing).toEqual({ salt: "checkout-test-2" });
  });
});

describe("shadow variants on the real runtime", () => {
  const rows = (i: number) => ({
    rows: [
      { amount: i, hour: i % 24 },
      { amount: i + 1, hour: 5 },
    ],
  });
  const predictAll = (count: number) =>
    inParallel(count, 4, (i) => postJson(`${runtime.baseUrl}/v1/endpoints/mirrored/predict`, rows(i)));
  const endpointWide = (text: string, name: string, labels: Record<string, string> = {}) =>
    counterValue(text, name, { endpoint: "mirrored", ...labels });
  const LIVE_FAMILIES = [
    "modelport_runtime_requests_total",
    "modelport_runtime_request_duration_seconds",
    "modelport_runtime_predicted_rows_total",
    "modelport_runtime_prediction_score",
    "modelport_runtime_capture_total",
    "modelport_runtime_feature_value",
  ];
  /** Lines of the live families that name one of the endpoint's shadow variants (there must be none). */
  const shadowInLiveFamilies = (text: string) =>
    text
      .split("\n")
      .filter((l) => LIVE_FAMILIES.some((family) => l.startsWith(`${family}{`) || l.startsWith(`${family}_`)))
      .filter((l) => l.includes('endpoint="mirrored"'))
      .filter((l) => l.includes('variant="treatment"') || l.includes('variant="with-channel"'));

  it("answers from the primary only and mirrors every request to the shadows, counted under their names", async () => {
    const view = await put("mirrored", {
      variants: [variant("control", 100), shadowVariant("treatment"), shadowVariant("with-channel")],
    });
    expect(view.variants.map((v) => [v.variantName, v.weight, v.shadow ?? false])).toEqual([
      ["control", 100, false],
      ["treatment", 0, true],
      ["with-channel", 0, true],
    ]);
    const loaded = await metricsText();
    expect(loaded).toContain('modelport_runtime_shadow_dropped_total{endpoint="mirrored",variant="treatment"} 0');
    expect(loaded).toContain(
      'modelport_runtime_shadow_requests_total{endpoint="mirrored",variant="treatment",status="200"} 0',
    );
    expect(loaded).toContain('modelport_runtime_shadow_rows_total{endpoint="mirrored",variant="treatment"} 0');
    expect(shadowInLiveFamilies(loaded)).toEqual([]);
    const before = {
      requests: endpointWide(loaded, LIVE_REQUESTS),
      latency: endpointWide(loaded, "modelport_runtime_request_duration_seconds_count"),
      rows: endpointWide(loaded, "modelport_runtime_predicted_rows_total"),
      capture: endpointWide(loaded, "modelport_runtime_capture_total"),
    };

    const answers = await predictAll(40);
    for (const { status, body } of answers) {
      expect(status).toBe(200);
      expect(body).toMatchObject({ endpoint: "mirrored", variant: "control" });
      expect(body.predictions).toHaveLength(2);
    }
    expect(await requestsReach(SHADOW_REQUESTS, "treatment", "200", 40)).toBe(40);
    // The rows lack the "channel" its signature needs: a 400 for that shadow alone.
    expect(await requestsReach(SHADOW_REQUESTS, "with-channel", "400", 40)).toBe(40);
    expect(await requestsReach(LIVE_REQUESTS, "control", "200", 40)).toBe(40);
    const text = await metricsText();
    // Endpoint-wide sums over the live families moved by the 40 answered requests exactly, none of the 80 mirrors.
    expect(endpointWide(text, LIVE_REQUESTS) - before.requests).toBe(40);
    expect(endpointWide(text, "modelport_runtime_request_duration_seconds_count") - before.latency).toBe(40);
    expect(endpointWide(text, "modelport_runtime_predicted_rows_total") - before.rows).toBe(80);
    expect(endpointWide(text, LIVE_REQUESTS, { status: "400" })).toBe(0);
    expect(shadowInLiveFamilies(text)).toEqual([]);
    // Live capture outcomes still add up to the live predicted rows; the shadow's add up to its rows, apart.
    expect(endpointWide(text, "modelport_runtime_capture_total") - before.capture).toBe(80);
    expect(endpointWide(text, "modelport_runtime_shadow_rows_total", { variant: "treatment" })).toBe(80);
    expect(endpointWide(text, "modelport_runtime_shadow_capture_total", { variant: "treatment" })).toBe(80);
    expect(
      endpointWide(text, "modelport_runtime_shadow_request_duration_seconds_count", { variant: "treatment" }),
    ).toBe(40);
    expect(endpointWide(text, "modelport_runtime_shadow_prediction_score_count", { variant: "treatment" })).toBe(80);
    expect(endpointWide(text, "modelport_runtime_shadow_rows_total", { variant: "with-channel" })).toBe(0);
    expect(endpointWide(text, SHADOW_REQUESTS)).toBe(80);
  });

  it("keeps every primary answer 200 while the shadow fails on purpose (fault injection, errorRate 1)", async () => {
    const fault = await control("PUT", "mirrored/variants/treatment/fault-injection", { errorRate: 1 });
    expect(fault.status).toBe(200);
    const liveBefore = endpointWide(await metricsText(), LIVE_REQUESTS);
    const answers = await predictAll(40);
    expect(answers.map((a) => [a.status, a.body.variant])).toEqual(answers.map(() => [200, "control"]));
    expect(await requestsReach(SHADOW_REQUESTS, "treatment", "500", 40)).toBe(40);
    expect(await requestsReach(SHADOW_REQUESTS, "treatment", "200", 0)).toBe(40);
    // The endpoint's error rate sees no 5xx: the shadow's failures are in the shadow family only.
    const text = await metricsText();
    expect(endpointWide(text, LIVE_REQUESTS) - liveBefore).toBe(40);
    expect(endpointWide(text, LIVE_REQUESTS, { status: "500" })).toBe(0);
    expect(shadowInLiveFamilies(text)).toEqual([]);
    await control("PUT", "mirrored/variants/treatment/fault-injection", { errorRate: 0 });
  });

  it("refuses traffic for a shadow, in a PUT and in a weights PATCH", async () => {
    const put = await control("PUT", "mirrored", {
      variants: [variant("control", 90), { ...shadowVariant("treatment"), weight: 10 }],
    });
    expect(put.status).toBe(400);
    expect(await put.text()).toContain('Shadow variant \\"treatment\\" gets no live traffic');
    const patch = await control("PATCH", "mirrored/weights", { weights: { control: 50, treatment: 50 } });
    expect(patch.status).toBe(400);
    expect((await describeEndpoint("mirrored")).variants.map((v) => v.weight)).toEqual([100, 0, 0]);
  });
});

describe("salt and shadows across a restart", () => {
  it("restores the routing salt and the shadow variants from RUNTIME_STATE_FILE, with the same assignments", async () => {
    const stateFile = path.join(models.directory, "state", "runtime.json");
    const first = await startRuntime({ RUNTIME_STATE_FILE: stateFile, RUNTIME_INFERENCE_THREADS: "1" });
    const controlHeaders = { authorization: `Bearer ${first.controlToken}`, "content-type": "application/json" };
    const assignments = async (baseUrl: string) => {
      const out: string[] = [];
      for (let i = 0; i < 20; i++) {
        const { status, body } = await postJson(
          `${baseUrl}/v1/endpoints/kept/predict`,
          { row: { amount: i, hour: 1 } },
          { "x-routing-key": `customer-${i}` },
        );
        expect(status).toBe(200);
        out.push(body.variant as string);
      }
      return out;
    };
    let before: string[];
    try {
      const response = await fetch(`${first.baseUrl}/v1/control/endpoints/kept`, {
        method: "PUT",
        headers: controlHeaders,
        body: JSON.stringify({
          variants: [variant("control", 50), variant("treatment", 50), shadowVariant("with-channel")],
          routing: { salt: "kept-test" },
        }),
      });
      expect(response.status).toBe(200);
      before = await assignments(first.baseUrl);
    } finally {
      await first.stop();
    }
    const second = await startRuntime({
      RUNTIME_STATE_FILE: stateFile,
      RUNTIME_CONTROL_TOKEN: first.controlToken,
      RUNTIME_INFERENCE_THREADS: "1",
    });
    try {
      let view: EndpointView | undefined;
      for (let i = 0; i < 100 && !view?.variants.every((v) => v.ready); i++) {
        const response = await fetch(`${second.baseUrl}/v1/control/endpoints/kept`, { headers: controlHeaders });
        view = response.ok ? ((await response.json()) as EndpointView) : undefined;
        if (!view?.variants.every((v) => v.ready)) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(view?.routing).toEqual({ salt: "kept-test" });
      expect(view?.variants.map((v) => [v.variantName, v.shadow ?? false])).toEqual([
        ["control", false],
        ["treatment", false],
        ["with-channel", true],
      ]);
      expect(await assignments(second.baseUrl)).toEqual(before);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
