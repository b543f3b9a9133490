import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth";
import { query } from "./support/db";

const RUNTIME_URL = `http://127.0.0.1:${process.env.E2E_RUNTIME_PORT ?? 8600}`;
const PROMETHEUS_URL = `http://127.0.0.1:${process.env.E2E_PROMETHEUS_PORT ?? 9190}`;
// The seed promotes the delivery model to production on the local runtime; the worker deploys it after start.
const MODEL = "delivery-time-estimator";
const ENDPOINT = `${MODEL}-production-local`;
const REQUESTS = 40;

type Input = { name: string; type: "float32" | "float64" | "int64" | "bool" | "string" };

/** A row the signature accepts; the values do not matter for latency. */
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

async function prometheus(promql: string, time?: string) {
  const response = await fetch(`${PROMETHEUS_URL}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query: promql, ...(time ? { time } : {}) }),
  });
  const body = (await response.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return body.data.result;
}

test("a manager sees latency and traffic that match what Prometheus returns for the same query", async ({ page }) => {
  test.setTimeout(180_000);
  const [version] = await query<{ signature: { inputs: Input[] } }>(
    `SELECT v.signature FROM "ModelVersion" v JOIN "RegisteredModel" m ON m.id = v."modelId" WHERE m.name = $1 AND v.format = 'ONNX' ORDER BY v.version DESC LIMIT 1`,
    [MODEL],
  );
  const row = rowFor(version!.signature.inputs);

  let answered = 0;
  await expect.poll(async () => ((await predict(row)) === 200 ? ++answered : 0), { timeout: 120_000, intervals: [1000] }).toBeGreaterThan(0);
  for (let i = 0; i < REQUESTS; i++) expect(await predict(row)).toBe(200);
  answered += REQUESTS;

  // Prometheus has scraped once the counter it stores equals what was sent, over at least two scrapes (for rates).
  const selector = `modelport_runtime_requests_total{endpoint="${ENDPOINT}",status="200"}`;
  await expect.poll(async () => Number((await prometheus(`sum(${selector})`))[0]?.value[1] ?? 0), { timeout: 30_000 }).toBe(answered);
  await expect.poll(async () => Number((await prometheus(`sum(count_over_time(${selector}[15m]))`))[0]?.value[1] ?? 0), { timeout: 30_000 }).toBeGreaterThan(1);

  await signInAs(page, "manuel.manager@modelport.dev");
  await page.goto(`/dashboards/latency?range=15m&endpoint=${ENDPOINT}`);
  const tableRow = page.locator(`[data-testid="latency-table"] tr[data-endpoint="${ENDPOINT}"]`).first();
  await expect(tableRow).toBeVisible({ timeout: 30_000 });

  for (const metric of ["requests", "rps", "p99"]) {
    const cell = tableRow.locator(`td[data-metric="${metric}"]`);
    const [promql, time, shown, variant] = await Promise.all([
      cell.getAttribute("data-query"),
      cell.getAttribute("data-time"),
      cell.getAttribute("data-value"),
      tableRow.getAttribute("data-variant"),
    ]);
    expect(shown, `${metric} shown`).not.toBe("");
    const direct = (await prometheus(promql!, time!)).find((s) => s.metric.endpoint === ENDPOINT && s.metric.variant === variant);
    expect(Number(shown), `${metric}: ${promql}`).toBe(Number(direct?.value[1]));
  }
  expect(Number(await tableRow.locator('td[data-metric="requests"]').getAttribute("data-value"))).toBeGreaterThan(0);

  for (const chart of ["p99", "rps"]) {
    await expect(page.getByTestId(`chart-${chart}`).locator("path.recharts-line-curve").first()).toBeVisible();
  }
  await expect(page.getByTestId(`slo-${ENDPOINT}`)).toBeVisible();
});
