import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EndpointConfigInput } from "@/contracts/runtime-control";
import type { ExplainResponse } from "@/contracts/explanations";
import type { BuiltModel } from "@/training/catalog";
import { rowObject, rowOf } from "@/training/dataset";
import { sigmoid } from "@/training/gradient-boosting";
import { writeModels, type ManifestEntry } from "@/training/write-models";
import { putEndpoint as putRuntimeEndpoint, serveTabularEndpoint } from "@/tests/integration/runtime/runtime-endpoint";
import {
  counterValue,
  postJson,
  startRuntime,
  temporaryDirectory,
  type RunningRuntime,
} from "@/tests/integration/runtime/runtime-process";

/*
 * Invariants over HTTP: an explanation adds up (Σ attributions + expected value = output, 1e-6) and explains the
 * prediction the predict route gives (sigmoid(output) = its probability, to float32 precision); a model without the
 * explanation metadata is answered 422, never 500 and never with numbers; bad input is a 4xx; explanations are not
 * counted as predictions.
 */

let runtime: RunningRuntime;
let models: BuiltModel[];
let manifest: ManifestEntry[];
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;

const built = (name: string) => models.find((m) => m.name === name)!;
const url = (endpoint: string, route: "explain" | "predict") => `${runtime.baseUrl}/v1/endpoints/${endpoint}/${route}`;

function variant(name: string, weight: number) {
  const entry = manifest.find((m) => m.name === name)!;
  return {
    variantName: `${name}-v1`,
    modelName: name,
    modelVersion: 1,
    modelPath: path.join(directory.directory, entry.file),
    sha256: entry.sha256,
    signature: entry.signature,
    weight,
  };
}

const putEndpoint = (name: string, config: EndpointConfigInput) => putRuntimeEndpoint(runtime, name, config);

beforeAll(async () => {
  directory = await temporaryDirectory("modelport-explain-");
  ({ models, manifest } = await writeModels(directory.directory));
  runtime = await startRuntime({ RUNTIME_INFERENCE_THREADS: "1" });
  await putEndpoint("fraud", { variants: [variant("fraud-gbt", 100), variant("fraud-logreg", 0)] });
  await putEndpoint("delivery", { variants: [variant("delivery-time-gbt", 100)] });
  await serveTabularEndpoint(runtime, directory.directory, "uploaded");
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  await directory?.remove();
});

const ROWS = 200;

function checkAdditive(answer: ExplainResponse, model: BuiltModel) {
  expect(answer.explanations).toHaveLength(ROWS);
  answer.explanations.forEach((e, i) => {
    const sum = Object.values(e.attributions).reduce((s, v) => s + v, 0);
    expect(Math.abs(sum + e.expectedValue - e.output)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(e.output - model.predictRaw(rowOf(model.test, i)))).toBeLessThanOrEqual(1e-6);
    expect(Object.keys(e.attributions)).toEqual(model.test.featureNames);
  });
}

describe("POST /v1/endpoints/:name/explain", () => {
  it("explains the fraud trees in log-odds, adding up to the probability the predict route answers", async () => {
    const model = built("fraud-gbt");
    const rows = Array.from({ length: ROWS }, (_, i) => rowObject(model.test, i));
    const explained = await postJson(url("fraud", "explain"), { rows });
    expect(explained.status).toBe(200);
    const answer = explained.body as unknown as ExplainResponse;
    expect(answer).toMatchObject({ endpoint: "fraud", variant: "fraud-gbt-v1", modelName: "fraud-gbt" });
    expect(answer.explanations[0]).toMatchObject({ method: "tree-shap-path-dependent", outputSpace: "log-odds" });
    checkAdditive(answer, model);
    const predicted = await postJson(url("fraud", "predict"), { rows });
    const probabilities = (predicted.body.predictions as Array<{ probability: number }>).map((p) => p.probability);
    answer.explanations.forEach((e, i) => expect(Math.abs(sigmoid(e.output) - probabilities[i]!)).toBeLessThan(1e-5));
  });

  it("explains a named variant (the logistic regression, which gets no traffic) with linear SHAP", async () => {
    const model = built("fraud-logreg");
    const rows = Array.from({ length: ROWS }, (_, i) => rowObject(model.test, i));
    const explained = await postJson(url("fraud", "explain"), { rows, variant: "fraud-logreg-v1" });
    expect(explained.status).toBe(200);
    const answer = explained.body as unknown as ExplainResponse;
    expect(answer.variant).toBe("fraud-logreg-v1");
    expect(answer.explanations[0]).toMatchObject({ method: "linear-shap", outputSpace: "log-odds" });
    checkAdditive(answer, model);
  });

  it("explains the delivery regressor in its raw output (minutes)", async () => {
    const model = built("delivery-time-gbt");
    const rows = Array.from({ length: ROWS }, (_, i) => rowObject(model.test, i));
    const explained = await postJson(url("delivery", "explain"), { rows });
    expect(explained.status).toBe(200);
    const answer = explained.body as unknown as ExplainResponse;
    expect(answer.explanations[0]).toMatchObject({ outputSpace: "raw" });
    checkAdditive(answer, model);
  });

  it("answers 422 for a model exported without explanation metadata, which still predicts", async () => {
    const row = { amount: 12.5, hour: 3 };
    const explained = await postJson(url("uploaded", "explain"), { row });
    expect(explained.status).toBe(422);
    expect(explained.body).toMatchObject({ code: "UNPROCESSABLE", variant: "v1" });
    expect(String(explained.body.error)).toMatch(/node covers .* feature means/);
    expect(explained.body).not.toHaveProperty("explanations");
    expect((await postJson(url("uploaded", "predict"), { row })).status).toBe(200);
  });

  it.each([
    ["no rows", {}, 400],
    ["both row and rows", { row: {}, rows: [{}] }, 400],
    ["empty rows", { rows: [] }, 400],
    ["more than 1000 rows", { rows: Array.from({ length: 1001 }, () => ({})) }, 400],
    ["an unknown field", { rows: [{}], explainAll: true }, 400],
    ["a missing feature", { row: { amount: 1 } }, 400],
    ["a feature as a string", { row: "fraud" }, 400],
    ["an unknown variant", { rows: [{}], variant: "nope" }, 404],
  ])("refuses %s with a 4xx", async (_, body, status) => {
    const answer = await postJson(url("fraud", "explain"), body);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toEqual(expect.any(String));
  });

  it("refuses an unknown endpoint (404), another method (405) and a body that is not JSON (400)", async () => {
    expect((await postJson(url("nope", "explain"), { rows: [{}] })).status).toBe(404);
    expect((await fetch(url("fraud", "explain"))).status).toBe(405);
    const notJson = await fetch(url("fraud", "explain"), { method: "POST", body: "rows please" });
    expect(notJson.status).toBe(400);
  });

  it("counts explanations in their own families, never as predictions", async () => {
    const metrics = await (await fetch(`${runtime.baseUrl}/metrics`)).text();
    const labels = { endpoint: "delivery", variant: "delivery-time-gbt-v1" };
    expect(counterValue(metrics, "modelport_runtime_explain_requests_total", { ...labels, status: "200" })).toBe(1);
    expect(counterValue(metrics, "modelport_runtime_explained_rows_total", labels)).toBe(ROWS);
    expect(counterValue(metrics, "modelport_runtime_requests_total", labels)).toBe(0);
    const uploaded = { endpoint: "uploaded", variant: "v1", status: "422" };
    expect(counterValue(metrics, "modelport_runtime_explain_requests_total", uploaded)).toBe(1);
  });
});
