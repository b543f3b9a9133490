import { expect } from "@playwright/test";
import { query } from "@/playwright/support/db";

export const RUNTIME_URL = `http://127.0.0.1:${process.env.E2E_RUNTIME_PORT ?? 8600}`;
export const PROMETHEUS_URL = `http://127.0.0.1:${process.env.E2E_PROMETHEUS_PORT ?? 9190}`;
// The seed promotes the delivery model to production on the local runtime; the worker deploys it after start.
export const MODEL = "delivery-time-estimator";
export const ENDPOINT = `${MODEL}-production-local`;

export type PrometheusSample = { metric: Record<string, string>; value: [number, string] };

/** An instant query straight to Prometheus' HTTP API; `time` is passed as given (unix seconds or RFC 3339). */
export async function prometheus(promql: string, time?: string): Promise<PrometheusSample[]> {
  const response = await fetch(`${PROMETHEUS_URL}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query: promql, ...(time ? { time } : {}) }),
  });
  const body = (await response.json()) as { data: { result: PrometheusSample[] } };
  return body.data.result;
}

/** The sum of the samples of one endpoint. */
export const sumFor = (result: PrometheusSample[], endpoint: string) =>
  result.filter((s) => s.metric.endpoint === endpoint).reduce((sum, s) => sum + Number(s.value[1]), 0);

type Input = { name: string; type: "float32" | "float64" | "int64" | "bool" | "string" };

/** A row the signature accepts; the values do not matter for latency or cost. */
function rowFor(inputs: Input[]) {
  const value = (type: Input["type"]) => (type === "string" ? "a" : type === "bool" ? false : 1);
  return Object.fromEntries(inputs.map((input) => [input.name, value(input.type)]));
}

async function predict(row: Record<string, unknown>) {
  const response = await fetch(`${RUNTIME_URL}/v1/endpoints/${ENDPOINT}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ row }),
  });
  return response.status;
}

/**
 * Waits until the seeded endpoint answers (the worker deploys it after start), then sends `requests` more
 * predictions; returns how many were answered in all.
 */
export async function sendPredictions(requests: number): Promise<number> {
  const [version] = await query<{ signature: { inputs: Input[] } }>(
    `SELECT v.signature FROM "ModelVersion" v JOIN "RegisteredModel" m ON m.id = v."modelId" WHERE m.name = $1 AND v.format = 'ONNX' ORDER BY v.version DESC LIMIT 1`,
    [MODEL],
  );
  const row = rowFor(version!.signature.inputs);
  let answered = 0;
  await expect
    .poll(async () => ((await predict(row)) === 200 ? ++answered : 0), { timeout: 120_000, intervals: [1000] })
    .toBeGreaterThan(0);
  for (let i = 0; i < requests; i++) expect(await predict(row)).toBe(200);
  return answered + requests;
}

/**
 * The runtime's own current total for a metric's series matching `labels`, read from its /metrics. Other specs send
 * traffic to the same endpoint, so a spec waits for Prometheus to have scraped up to this, not up to what it sent.
 */
export async function runtimeSum(metric: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${RUNTIME_URL}/metrics`)).text();
  const wanted = Object.entries(labels).map(([name, value]) => `${name}="${value}"`);
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${metric}{`) && wanted.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}
