import { parseBucketBound } from "@/server/integrations/prometheus/prometheus-text";
import { expect, test } from "@playwright/test";
import { generateTraffic } from "@/scripts/traffic/generate-traffic";
import { countsFromCumulativeBuckets } from "@/server/services/drift/psi";
import { signInAs } from "@/playwright/support/auth";
import { query } from "@/playwright/support/db";
import { ENDPOINT, prometheus, type PrometheusSample, RUNTIME_URL, runtimeSum } from "@/playwright/support/traffic";

// The seeded endpoint's reference profile was computed at registration from the run's training-sample.csv.
const FEATURE = "distance_km";
const REQUESTS = 40;
const ROWS_PER_REQUEST = 25;

/** Per-bin counts from Prometheus' cumulative `le` buckets, in bin order. */
const differenced = (result: PrometheusSample[]) =>
  countsFromCumulativeBuckets(result.map((s) => ({ le: parseBucketBound(s.metric.le!), count: Number(s.value[1]) })));

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
    .poll(
      async () =>
        (await generateTraffic({ runtimeUrl: RUNTIME_URL, knownEndpoints: known, rate: 10, maxRequests: 1, batch: 1 }))
          .endpoints[0]!.okRequests,
      {
        timeout: 150_000,
        intervals: [2000],
      },
    )
    .toBe(1);

  const traffic = await generateTraffic({
    runtimeUrl: RUNTIME_URL,
    knownEndpoints: known,
    rate: 40,
    maxRequests: REQUESTS,
    batch: ROWS_PER_REQUEST,
    drift: ["distance"],
    driftAfterSeconds: 0,
  });
  expect(traffic.endpoints[0]!.okRequests).toBe(REQUESTS);
  // Prometheus has scraped every served row once its count equals the runtime's own.
  const served = await runtimeSum("modelport_runtime_feature_value_count", { endpoint: ENDPOINT, feature: FEATURE });
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
  const shown = await page
    .getByTestId("feature-bin-row")
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-count"))));
  expect(shown.length).toBe(expected.length);
  shown.forEach((value, i) => expect(value, `bin ${i}`).toBeCloseTo(expected[i]!, 6));
  expect(shown.reduce((s, c) => s + c, 0)).toBeGreaterThan(0);
});
