import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localRuntimeClient } from "@/server/integrations/local-runtime/client";
import { LocalRuntimeTarget } from "@/server/integrations/local-runtime";
import { ScrapeGuardrails } from "@/server/integrations/local-runtime/scrape-guardrails";
import { hostPort } from "@/server/integrations/prometheus/config";
import { onnxModel, TABULAR_SIGNATURE } from "@/tests/integration/support/model-artifacts";
import { startPrometheus, type RunningPrometheus } from "@/tests/integration/support/prometheus-process";
import { serveTabularEndpoint } from "@/tests/integration/runtime/runtime-endpoint";
import {
  postJson,
  startRuntime,
  temporaryDirectory,
  type RunningRuntime,
} from "@/tests/integration/runtime/runtime-process";

const METRICS_TOKEN = randomBytes(32).toString("hex");
const PREDICT_KEY = randomBytes(32).toString("hex");
const row = { amount: 12.5, hour: 3 };

let runtime: RunningRuntime;
let prometheus: RunningPrometheus | undefined;
let models: Awaited<ReturnType<typeof temporaryDirectory>>;

beforeAll(async () => {
  models = await temporaryDirectory("modelport-runtime-security-");
  runtime = await startRuntime({ RUNTIME_METRICS_TOKEN: METRICS_TOKEN, RUNTIME_INFERENCE_THREADS: "1" });
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await runtime?.stop();
  await models?.remove();
});

describe("the runtime's predict key", () => {
  it("requires the key on an endpoint configured with its sha256, as a bearer token or x-api-key", async () => {
    const predictKeySha256 = createHash("sha256").update(PREDICT_KEY).digest("hex");
    await serveTabularEndpoint(runtime, models.directory, "keyed", { predictKeySha256 });
    const url = `${runtime.baseUrl}/v1/endpoints/keyed/predict`;
    const missing = await postJson(url, { row });
    expect(missing).toMatchObject({ status: 401, body: { code: "UNAUTHORIZED" } });
    expect((await postJson(url, { row }, { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await postJson(url, { row }, { "x-api-key": `${PREDICT_KEY}x` })).status).toBe(401);
    expect((await postJson(url, { row }, { authorization: `Bearer ${PREDICT_KEY}` })).status).toBe(200);
    expect((await postJson(url, { row }, { "x-api-key": PREDICT_KEY })).status).toBe(200);
    const described = await fetch(`${runtime.baseUrl}/v1/control/endpoints/keyed`, {
      headers: { authorization: `Bearer ${runtime.controlToken}` },
    });
    const view = (await described.json()) as Record<string, unknown>;
    expect(view.predictKeyRequired).toBe(true);
    expect(JSON.stringify(view)).not.toContain(predictKeySha256);
  });

  it("needs no key on an endpoint without one", async () => {
    await serveTabularEndpoint(runtime, models.directory, "open");
    expect((await postJson(`${runtime.baseUrl}/v1/endpoints/open/predict`, { row })).status).toBe(200);
  });

  it("is set by the local target from RUNTIME_PREDICT_KEY and sent by the portal's client config", async () => {
    const target = new LocalRuntimeTarget({
      baseUrl: runtime.baseUrl,
      controlToken: runtime.controlToken,
      predictKey: PREDICT_KEY,
    });
    const bytes = onnxModel(11);
    const { writeFile } = await import("node:fs/promises");
    const file = `${models.directory}/portal.onnx`;
    await writeFile(file, bytes);
    await target.apply({
      endpointName: "portal",
      variants: [
        {
          variantName: "m-v1",
          modelName: "m",
          version: 1,
          format: "ONNX",
          artifactUri: file,
          artifactSha256: createHash("sha256").update(bytes).digest("hex"),
          signature: TABULAR_SIGNATURE,
          weight: 100,
        },
      ],
    });
    const url = `${runtime.baseUrl}/v1/endpoints/portal/predict`;
    expect((await postJson(url, { row })).status).toBe(401);
    const client = localRuntimeClient({
      baseUrl: runtime.baseUrl,
      controlToken: runtime.controlToken,
      predictKey: PREDICT_KEY,
    });
    expect((await postJson(url, { row }, { authorization: `Bearer ${client.config.predictKey}` })).status).toBe(200);
  });
});

describe("the runtime's /metrics token", () => {
  it("answers 401 without the token and the metrics with it; guardrail readings send it", async () => {
    expect((await fetch(`${runtime.baseUrl}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${runtime.baseUrl}/metrics`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${runtime.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain("modelport_runtime_requests_total");
    const guardrails = new ScrapeGuardrails(`${runtime.baseUrl}/metrics`, METRICS_TOKEN);
    await expect(guardrails.mark("open", "v1")).resolves.toMatchObject({ requests: expect.any(Number) });
    await expect(new ScrapeGuardrails(`${runtime.baseUrl}/metrics`).mark("open", "v1")).rejects.toThrow(/401/);
  });

  it("is scraped by a real Prometheus that sends it from a credentials file (up == 1)", async () => {
    prometheus = await startPrometheus({ targets: [hostPort(runtime.baseUrl)], bearerToken: METRICS_TOKEN });
    await prometheus.waitForScrape();
    const up = await prometheus.client.query(`up{instance="${hostPort(runtime.baseUrl)}"}`);
    expect(up.map((s) => s.value)).toEqual([1]);
  }, 60_000);
});

describe("runtime paths", () => {
  it("answers 400 (not 500) to a malformed %-escape", async () => {
    for (const path of [
      "/v1/endpoints/%E0%A4%A/predict",
      "/v1/endpoints/%/predict",
      "/v1/control/endpoints/%E0%A4%A",
    ]) {
      const response = await fetch(`${runtime.baseUrl}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${runtime.controlToken}`, "content-type": "application/json" },
        body: JSON.stringify({ row }),
      });
      expect(response.status, path).toBeLessThan(500);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
    }
    const bad = await postJson(`${runtime.baseUrl}/v1/endpoints/%E0%A4%A/predict`, { row });
    expect(bad).toMatchObject({ status: 400, body: { code: "BAD_REQUEST" } });
  });
});
