import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EndpointConfigInput, EndpointView } from "@/contracts/runtime-control";
import { onnxModel, TABULAR_SIGNATURE } from "@/tests/integration/support/model-artifacts";
import {
  postJson,
  startRuntime,
  temporaryDirectory,
  type RunningRuntime,
} from "@/tests/integration/runtime/runtime-process";

let runtime: RunningRuntime;
let models: Awaited<ReturnType<typeof temporaryDirectory>>;
const files = new Map<string, { modelPath: string; sha256: string }>();

beforeAll(async () => {
  models = await temporaryDirectory("modelport-ab-runtime-");
  for (const [name, seed] of [
    ["control", 11],
    ["treatment", 12],
  ] as const) {
    const bytes = onnxModel(seed);
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
