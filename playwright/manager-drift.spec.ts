import { expect, test } from "@playwright/test";
import { generateTraffic } from "../scripts/traffic/generate-traffic";
import { signInAs } from "./support/auth";
import { query } from "./support/db";

const RUNTIME_URL = `http://127.0.0.1:${process.env.E2E_RUNTIME_PORT ?? 8600}`;
const PROMETHEUS_URL = `http://127.0.0.1:${process.env.E2E_PROMETHEUS_PORT ?? 9190}`;
// The seed promotes the delivery model to production on the local runtime, with the reference profile computed at
// registration from the run's training-sample.csv; the worker deploys it after start.
const MODEL = "delivery-time-estimator";
const ENDPOINT = `${MODEL}-production-local`;
const FEATURE = "distance_km";
const REQUESTS = 40;
const ROWS_PER_REQUEST = 25;

async function prometheus(promql: string, time?: string) {
  const response = await fetch(`${PROMETHEUS_URL}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query: promql, ...(time ? { time } : {}) }),
  });
  const body = (await response.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return body.data.result;
}

/** Per-bin counts from Prometheus' cumulative `le` buckets, in bin order. */
function differenced(result: Array<{ metric: Record<string, string>; value: [number, string] }>) {
  const le = (text: string | undefined) => (text === "+Inf" ? Infinity : Number(text));
  const sorted = result.map((s) => ({ le: le(s.metric.le), count: Number(s.value[1]) })).sort((a, b) => a.le - b.le);
  return sorted.map((bucket, i) => Math.max(0, bucket.count - (sorted[i - 1]?.count ?? 0)));
}

test("a manager sees drift computed from the traffic generator's rows, matching Prometheus", async ({ page }) => {
  test.setTimeout(240_000);
  // The endpoint's rows appear once the worker deploys the seeded promotion; then wait until the runtime serves it.
  const findEndpoint = () =>
    query<{ id: string; inputs: Array<{ name: string }> }>(
      `SELECT e.id, v.signature->'inputs' AS inputs FROM "Endpoint" e JOIN "EndpointVariant" ev ON ev."endpointId" = e.id
       JOIN "ModelVersion" v ON v.id = ev."versionId" WHERE e.name = $1 LIMIT 1`,
      [ENDPOINT],
    );
  await expect.poll(async () => (await findEndpoint()).length, { timeout: 150_000, intervals: [2000] }).toBe(1);
  const [endpoint] = await findEndpoint();
  const inputs = endpoint!.inputs.map((i) => i.name);
  const known = [{ endpointName: ENDPOINT, inputs }];
  await expect
    .poll(async () => (await generateTraffic({ runtimeUrl: RUNTIME_URL, knownEndpoints: known, rate: 10, maxRequests: 1, batch: 1 })).endpoints[0]!.okRequests, {
      timeout: 150_000,
      intervals: [2000],
    })
    .toBe(1);

  const traffic = await generateTraffic({ runtimeUrl: RUNTIME_URL, knownEndpoints: known, rate: 40, maxRequests: REQUESTS, batch: ROWS_PER_REQUEST, drift: ["distance"], driftAfterSeconds: 0 });
  expect(traffic.endpoints[0]!.okRequests).toBe(REQUESTS);
  // Prometheus has scraped every served row once its count equals the runtime's own.
  const countLine = `modelport_runtime_feature_value_count{endpoint="${ENDPOINT}",variant=`;
  const metrics = await (await fetch(`${RUNTIME_URL}/metrics`)).text();
  const served = metrics
    .split("\n")
    .filter((line) => line.startsWith(countLine) && line.includes(`feature="${FEATURE}"`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
  expect(served).toBeGreaterThanOrEqual(REQUESTS * ROWS_PER_REQUEST);
  const count = `sum(modelport_runtime_feature_value_count{endpoint="${ENDPOINT}",feature="${FEATURE}"})`;
  await expect.poll(async () => Number((await prometheus(count))[0]?.value[1] ?? 0), { timeout: 30_000 }).toBe(served);

  // A data scientist scans now (the repeatable job would otherwise run within DRIFT_SCAN_EVERY_MS).
  await signInAs(page, "luis.scientist@modelport.dev");
  await page.goto(`/dashboards/drift/${endpoint!.id}`);
  await page.getByTestId("scan-now").click();
  await expect(page.getByTestId("drift-heatmap")).toBeVisible({ timeout: 30_000 });
  await page.context().clearCookies();

  await signInAs(page, "manuel.manager@modelport.dev");
  await page.goto("/dashboards/drift");
  const row = page.locator(`[data-testid="drift-fleet-row"][data-endpoint="${ENDPOINT}"]`).first();
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row).toHaveAttribute("data-status", /ALERT|WARN/);
  await expect(row.getByTestId("psi-value")).toBeVisible();

  await row.getByRole("link", { name: ENDPOINT }).click();
  await expect(page.getByTestId("drift-heatmap")).toBeVisible();
  await expect(page.locator(`[data-testid="heatmap-cell"][data-feature="${FEATURE}"]`).first()).toBeVisible();
  const latest = page.locator(`[data-testid="latest-report-row"][data-feature="${FEATURE}"]`);
  await expect(latest).toHaveAttribute("data-status", /ALERT|WARN/);

  await latest.getByRole("link", { name: FEATURE }).click();
  await expect(page.getByTestId("bin-proportions-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();
  const promql = page.getByTestId("feature-promql");
  const [text, time] = await Promise.all([promql.textContent(), promql.getAttribute("data-time")]);
  const expected = differenced(await prometheus(text!.trim(), time!));
  const shown = await page.getByTestId("feature-bin-row").evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-count"))));
  expect(shown.length).toBe(expected.length);
  shown.forEach((value, i) => expect(value, `bin ${i}`).toBeCloseTo(expected[i]!, 6));
  expect(shown.reduce((s, c) => s + c, 0)).toBeGreaterThan(0);
});
