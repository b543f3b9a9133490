import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuiltModel } from "@/training/catalog";
import { rowObject, rowOf } from "@/training/dataset";
import { writeModels, type ManifestEntry } from "@/training/write-models";
import { LocalRuntimeError, LocalRuntimeTarget } from "@/server/integrations/local-runtime";
import { onnxVariant } from "@/tests/integration/runtime/onnx-variant";
import {
  counterValue,
  inParallel,
  postJson,
  startRuntime,
  temporaryDirectory,
  type RunningRuntime,
} from "@/tests/integration/runtime/runtime-process";

let runtime: RunningRuntime;
let target: LocalRuntimeTarget;
let models: BuiltModel[];
let manifest: ManifestEntry[];
let modelDirectory: Awaited<ReturnType<typeof temporaryDirectory>>;

beforeAll(async () => {
  modelDirectory = await temporaryDirectory("modelport-runtime-models-");
  ({ models, manifest } = await writeModels(modelDirectory.directory));
  runtime = await startRuntime({ RUNTIME_INFERENCE_THREADS: "2" });
  target = new LocalRuntimeTarget({ baseUrl: runtime.baseUrl, controlToken: runtime.controlToken });
}, 90_000);

afterAll(async () => {
  await runtime?.stop();
  await modelDirectory?.remove();
});

const variant = (modelName: string, version: number, weight: number) =>
  onnxVariant({ manifest, directory: modelDirectory.directory }, modelName, version, weight);

const built = (name: string) => models.find((m) => m.name === name)!;
const predictUrl = (endpoint: string) => `${runtime.baseUrl}/v1/endpoints/${endpoint}/predict`;
const fraudRow = (i: number) => rowObject(built("fraud-gbt").test, i);
const probabilityOf = (body: Record<string, unknown>) =>
  (body.predictions as Array<{ probability: number }>)[0]!.probability;

describe("the local runtime behind LocalRuntimeTarget", () => {
  it("refuses the control API without the bearer token", async () => {
    const response = await fetch(`${runtime.baseUrl}/v1/control/endpoints/fraud`);
    expect(response.status).toBe(401);
    const wrong = new LocalRuntimeTarget({ baseUrl: runtime.baseUrl, controlToken: "not-the-right-token-at-all" });
    await expect(wrong.describe("fraud")).rejects.toMatchObject({ status: 401, retryable: false });
  });

  it("creates an endpoint whose answers equal the TypeScript model's", async () => {
    const state = await target.apply({ endpointName: "fraud", variants: [variant("fraud-gbt", 1, 100)] });
    expect(state).toMatchObject({
      endpointName: "fraud",
      status: "healthy",
      variants: [{ variantName: "fraud-gbt-v1", weight: 100, ready: true }],
    });
    expect((await fetch(`${runtime.baseUrl}/readyz`)).status).toBe(200);

    const model = built("fraud-gbt");
    const rows = Array.from({ length: 200 }, (_, i) => rowObject(model.test, i));
    const { status, body } = await postJson(predictUrl("fraud"), { rows });
    expect(status).toBe(200);
    expect(body).toMatchObject({ endpoint: "fraud", variant: "fraud-gbt-v1", modelName: "fraud-gbt", modelVersion: 1 });
    expect(body.predictionId).toMatch(/^[0-9a-f-]{36}$/);
    const predictions = body.predictions as Array<{ probability: number }>;
    expect(predictions).toHaveLength(200);
    predictions.forEach((p, i) =>
      expect(Math.abs(p.probability - model.predict(rowOf(model.test, i)))).toBeLessThan(1e-5),
    );

    const single = await postJson(predictUrl("fraud"), { row: fraudRow(3) });
    expect(Math.abs(probabilityOf(single.body) - model.predict(rowOf(model.test, 3)))).toBeLessThan(1e-5);
  });

  it("serves a regression model on a second endpoint", async () => {
    await target.apply({ endpointName: "delivery-eta", variants: [variant("delivery-time-gbt", 4, 100)] });
    const loaded = await (await fetch(`${runtime.baseUrl}/metrics`)).text();
    expect(loaded, "a loaded variant's series start at zero, so its first requests are counted").toContain(
      'modelport_runtime_requests_total{endpoint="delivery-eta",variant="delivery-time-gbt-v4",status="200"} 0',
    );
    expect(loaded).toContain(
      'modelport_runtime_request_duration_seconds_count{endpoint="delivery-eta",variant="delivery-time-gbt-v4"} 0',
    );
    const model = built("delivery-time-gbt");
    const rows = Array.from({ length: 50 }, (_, i) => rowObject(model.test, i));
    const { body } = await postJson(predictUrl("delivery-eta"), { rows });
    (body.predictions as Array<{ delivery_minutes: number }>).forEach((p, i) => {
      const expected = model.predict(rowOf(model.test, i));
      expect(Math.abs(p.delivery_minutes - expected) / Math.max(1, expected)).toBeLessThan(1e-5);
    });
  });

  it("answers 400 naming the row and the field for a bad row, and 404 for an unknown endpoint", async () => {
    const wrongType = await postJson(predictUrl("fraud"), {
      rows: [fraudRow(0), { ...fraudRow(1), merchant_risk: "high" }],
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ rowIndex: 1, field: "merchant_risk" });
    expect(wrongType.body.error).toMatch(/Row 1: field "merchant_risk" must be a finite number/);

    const { amount: _amount, ...missingAmount } = fraudRow(2);
    const missing = await postJson(predictUrl("fraud"), { row: missingAmount });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({
      rowIndex: 0,
      field: "amount",
      error: 'Row 0: missing field "amount" (float32)',
    });

    const malformed = await fetch(predictUrl("fraud"), { method: "POST", body: "{not json" });
    expect(malformed.status).toBe(400);
    expect((await postJson(predictUrl("no-such-endpoint"), { row: fraudRow(0) })).status).toBe(404);
  });

  it("refuses a model whose sha256 does not match and leaves the endpoint as it was", async () => {
    const tampered = { ...variant("fraud-logreg", 2, 10), artifactSha256: "0".repeat(64) };
    const error = await target
      .apply({ endpointName: "fraud", variants: [variant("fraud-gbt", 1, 90), tampered] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalRuntimeError);
    expect(error).toMatchObject({ status: 422, retryable: false });
    expect((error as Error).message).toMatch(/sha256/);
    expect(await target.describe("fraud")).toMatchObject({
      status: "healthy",
      variants: [{ variantName: "fraud-gbt-v1", weight: 100 }],
    });
  });

  it("splits traffic 90/10 between two variants, keeps routing keys sticky, and follows weight changes", async () => {
    const state = await target.apply({
      endpointName: "fraud",
      variants: [variant("fraud-gbt", 1, 90), variant("fraud-logreg", 2, 10)],
    });
    expect(state.variants.map((v) => [v.variantName, v.weight, v.ready])).toEqual([
      ["fraud-gbt-v1", 90, true],
      ["fraud-logreg-v2", 10, true],
    ]);
    const before = await (await fetch(`${runtime.baseUrl}/metrics`)).text();

    const answers = await inParallel(
      2000,
      16,
      async (i) => (await postJson(predictUrl("fraud"), { row: fraudRow(i % 500) })).body,
    );
    const canary = answers.filter((a) => a.variant === "fraud-logreg-v2").length;
    expect(canary / 2000).toBeGreaterThan(0.07);
    expect(canary / 2000).toBeLessThan(0.13);
    answers.forEach((a, i) => {
      const model = built(a.variant === "fraud-gbt-v1" ? "fraud-gbt" : "fraud-logreg");
      expect(Math.abs(probabilityOf(a) - model.predict(rowOf(model.test, i % 500)))).toBeLessThan(1e-5);
    });

    const after = await (await fetch(`${runtime.baseUrl}/metrics`)).text();
    const served = (variantName: string, text: string) =>
      counterValue(text, "modelport_runtime_requests_total", {
        endpoint: "fraud",
        variant: variantName,
        status: "200",
      });
    expect(served("fraud-logreg-v2", after) - served("fraud-logreg-v2", before)).toBe(canary);
    expect(served("fraud-gbt-v1", after) - served("fraud-gbt-v1", before)).toBe(2000 - canary);
    expect(after).toMatch(/modelport_runtime_loaded_models 3/);
    expect(after).toMatch(/modelport_runtime_batch_size_bucket\{[^}]*endpoint="fraud"/);
    expect(after).toMatch(/modelport_runtime_prediction_score_bucket\{[^}]*variant="fraud-logreg-v2"/);
    expect(after).toMatch(/modelport_runtime_in_flight_requests\{endpoint="fraud"\} 0/);
    expect(
      counterValue(after, "modelport_runtime_requests_total", { endpoint: "fraud", status: "400" }),
    ).toBeGreaterThanOrEqual(2);

    const stickyVariant = async (key: string, viaHeader: boolean) => {
      const { body } = viaHeader
        ? await postJson(predictUrl("fraud"), { row: fraudRow(0) }, { "x-routing-key": key })
        : await postJson(predictUrl("fraud"), { row: fraudRow(0), routingKey: key });
      return body.variant as string;
    };
    const keys = Array.from({ length: 60 }, (_, i) => `customer-${i}`);
    const firstPick = await Promise.all(keys.map((key) => stickyVariant(key, true)));
    for (let round = 0; round < 3; round++)
      expect(await Promise.all(keys.map((key) => stickyVariant(key, round % 2 === 0)))).toEqual(firstPick);

    const shifted = await target.setWeights("fraud", { "fraud-gbt-v1": 50, "fraud-logreg-v2": 50 });
    expect(shifted.variants.map((v) => v.weight)).toEqual([50, 50]);
    const half = await inParallel(
      600,
      16,
      async (i) => (await postJson(predictUrl("fraud"), { row: fraudRow(i) })).body.variant,
    );
    const share = half.filter((v) => v === "fraud-logreg-v2").length / 600;
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.6);
    await expect(target.setWeights("fraud", { "fraud-gbt-v1": 70 })).rejects.toMatchObject({ status: 400 });
    await expect(target.setWeights("fraud", { "nope-v9": 100 })).rejects.toMatchObject({ status: 400 });
  });

  it("applies the same spec twice without change, and moves all traffic to a new version", async () => {
    const spec = { endpointName: "fraud", variants: [variant("fraud-gbt", 1, 50), variant("fraud-logreg", 2, 50)] };
    expect(await target.apply(spec)).toEqual(await target.apply(spec));
    const promoted = await target.apply({ endpointName: "fraud", variants: [variant("fraud-logreg", 2, 100)] });
    expect(promoted.variants).toEqual([{ variantName: "fraud-logreg-v2", weight: 100, ready: true, replicas: 1 }]);
    const answers = await inParallel(
      50,
      8,
      async (i) => (await postJson(predictUrl("fraud"), { row: fraudRow(i) })).body.variant,
    );
    expect(new Set(answers)).toEqual(new Set(["fraud-logreg-v2"]));
    expect(await target.waitUntilSettled("fraud", { timeoutMs: 1000 })).toMatchObject({ status: "healthy" });
  });

  it("makes a variant fail on purpose when fault injection is switched on", async () => {
    await target.client.injectFault("fraud", "fraud-logreg-v2", { errorRate: 1 });
    const { status, body } = await postJson(predictUrl("fraud"), { row: fraudRow(0) });
    expect(status).toBe(500);
    expect(body.error).toMatch(/Injected fault/);
    await target.client.injectFault("fraud", "fraud-logreg-v2", { errorRate: 0 });
    expect((await postJson(predictUrl("fraud"), { row: fraudRow(0) })).status).toBe(200);
  });

  it("deletes endpoints; deleting an absent one is not an error", async () => {
    await target.delete("fraud");
    expect(await target.describe("fraud")).toEqual({ endpointName: "fraud", status: "absent", variants: [] });
    expect((await postJson(predictUrl("fraud"), { row: fraudRow(0) })).status).toBe(404);
    await expect(target.delete("fraud")).resolves.toBeUndefined();
    const metrics = await (await fetch(`${runtime.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/modelport_runtime_loaded_models 1/);
  });

  it("exposes metrics promtool accepts", async (context) => {
    const promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].find((p) => existsSync(p));
    if (!promtool) context.skip();
    const metrics = await (await fetch(`${runtime.baseUrl}/metrics`)).text();
    expect(() => execFileSync(promtool!, ["check", "metrics"], { input: metrics })).not.toThrow();
  });
});
