import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth";
import { query } from "./support/db";

const RUNTIME_URL = `http://127.0.0.1:${process.env.E2E_RUNTIME_PORT ?? 8600}`;
const PROMETHEUS_URL = `http://127.0.0.1:${process.env.E2E_PROMETHEUS_PORT ?? 9190}`;
// The seed promotes the delivery model to production on the local runtime; the worker deploys it after start.
const MODEL = "delivery-time-estimator";
const ENDPOINT = `${MODEL}-production-local`;
const REQUESTS = 30;

type Input = { name: string; type: "float32" | "float64" | "int64" | "bool" | "string" };

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
    body: new URLSearchParams({ query: promql, ...(time ? { time: String(new Date(time).getTime() / 1000) } : {}) }),
  });
  const body = (await response.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return body.data.result;
}

const sumFor = (result: Awaited<ReturnType<typeof prometheus>>, endpoint: string) =>
  result.filter((s) => s.metric.endpoint === endpoint).reduce((sum, s) => sum + Number(s.value[1]), 0);

test("a manager sees cost figures that match what Prometheus returns for the same query", async ({ page }) => {
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
  await expect
    .poll(async () => sumFor(await prometheus(`modelport_runtime_predicted_rows_total{endpoint="${ENDPOINT}"}`), ENDPOINT), { timeout: 30_000 })
    .toBe(answered);
  await expect
    .poll(async () => sumFor(await prometheus(`modelport_runtime_variant_instances{endpoint="${ENDPOINT}"}`), ENDPOINT), { timeout: 30_000 })
    .toBeGreaterThan(0);

  await signInAs(page, "manuel.manager@modelport.dev");
  await page.goto("/dashboards/cost?range=1h");
  const endpointRow = page.locator(`[data-testid="cost-by-endpoint"] tr[data-row="${ENDPOINT}"]`);
  await expect(endpointRow).toBeVisible({ timeout: 30_000 });
  // The window ends at the last whole sampling step, so the latest traffic and a fresh variant show one step later.
  await expect
    .poll(async () => {
      await page.reload();
      await expect(endpointRow).toBeVisible({ timeout: 30_000 });
      const seconds = Number(await endpointRow.getAttribute("data-instance-seconds"));
      return seconds > 0 && Number(await endpointRow.getAttribute("data-predictions")) >= answered;
    }, { timeout: 90_000, intervals: [5000] })
    .toBe(true);

  const queries = page.locator('[data-testid="cost-promql"] li');
  const [secondsQuery, secondsTime, predictionsQuery, predictionsTime] = await Promise.all([
    queries.nth(0).getAttribute("data-query"),
    queries.nth(0).getAttribute("data-time"),
    queries.nth(2).getAttribute("data-query"),
    queries.nth(2).getAttribute("data-time"),
  ]);
  const shownSeconds = Number(await endpointRow.getAttribute("data-instance-seconds"));
  expect(shownSeconds).toBe(sumFor(await prometheus(secondsQuery!, secondsTime!), ENDPOINT));
  const shownPredictions = Number(await endpointRow.getAttribute("data-predictions"));
  expect(shownPredictions).toBeGreaterThanOrEqual(answered);
  expect(shownPredictions).toBe(sumFor(await prometheus(predictionsQuery!, predictionsTime!), ENDPOINT));

  const [price] = await query<{ hourlyUsd: string }>(`SELECT "hourlyUsd"::text AS "hourlyUsd" FROM "PricedInstanceType" WHERE name = 'local-cpu'`);
  expect(Number(await endpointRow.getAttribute("data-usd"))).toBeCloseTo((shownSeconds * Number(price!.hourlyUsd)) / 3600, 9);

  await expect(page.getByTestId("cost-usd-per-hour")).not.toHaveText("—");
  // $/hour is flat while nothing scales, so the line has no height: check that it is drawn through measured points.
  await expect(page.getByTestId("chart-usd-per-hour").locator("path.recharts-line-curve").first()).toHaveAttribute("d", /^M[\d.]+,[\d.]+L/);
  await expect(page.getByTestId("budgets-table")).toBeVisible();
});
