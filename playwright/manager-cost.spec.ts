import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { query } from "@/playwright/support/db";
import { ENDPOINT, prometheus, runtimeSum, sendPredictions, sumFor } from "@/playwright/support/traffic";

const REQUESTS = 30;
/** The page shows evaluation times as ISO dates; the Prometheus API is given unix seconds. */
const unixSeconds = (iso: string) => String(new Date(iso).getTime() / 1000);

test("a manager sees cost figures that match what Prometheus returns for the same query", async ({ page }) => {
  test.setTimeout(180_000);
  await sendPredictions(REQUESTS);
  const answered = await runtimeSum("modelport_runtime_predicted_rows_total", { endpoint: ENDPOINT });
  expect(answered).toBeGreaterThanOrEqual(REQUESTS);
  await expect
    .poll(
      async () => sumFor(await prometheus(`modelport_runtime_predicted_rows_total{endpoint="${ENDPOINT}"}`), ENDPOINT),
      { timeout: 30_000 },
    )
    .toBe(answered);
  await expect
    .poll(
      async () => sumFor(await prometheus(`modelport_runtime_variant_instances{endpoint="${ENDPOINT}"}`), ENDPOINT),
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0);

  await signInAs(page, "manuel.manager@modelport.dev");
  await page.goto("/dashboards/cost?range=1h");
  const endpointRow = page.locator(`[data-testid="cost-by-endpoint"] tr[data-row="${ENDPOINT}"]`);
  await expect(endpointRow).toBeVisible({ timeout: 30_000 });
  // The window ends at the last whole sampling step, so the latest traffic and a fresh variant show one step later.
  await expect
    .poll(
      async () => {
        await page.reload();
        await expect(endpointRow).toBeVisible({ timeout: 30_000 });
        const seconds = Number(await endpointRow.getAttribute("data-instance-seconds"));
        return seconds > 0 && Number(await endpointRow.getAttribute("data-predictions")) >= answered;
      },
      { timeout: 90_000, intervals: [5000] },
    )
    .toBe(true);

  const queries = page.locator('[data-testid="cost-promql"] li');
  const [secondsQuery, secondsTime, predictionsQuery, predictionsTime] = await Promise.all([
    queries.nth(0).getAttribute("data-query"),
    queries.nth(0).getAttribute("data-time"),
    queries.nth(2).getAttribute("data-query"),
    queries.nth(2).getAttribute("data-time"),
  ]);
  const shownSeconds = Number(await endpointRow.getAttribute("data-instance-seconds"));
  expect(shownSeconds).toBe(sumFor(await prometheus(secondsQuery!, unixSeconds(secondsTime!)), ENDPOINT));
  const shownPredictions = Number(await endpointRow.getAttribute("data-predictions"));
  expect(shownPredictions).toBeGreaterThanOrEqual(answered);
  expect(shownPredictions).toBe(sumFor(await prometheus(predictionsQuery!, unixSeconds(predictionsTime!)), ENDPOINT));

  const [price] = await query<{ hourlyUsd: string }>(
    `SELECT "hourlyUsd"::text AS "hourlyUsd" FROM "PricedInstanceType" WHERE name = 'local-cpu'`,
  );
  expect(Number(await endpointRow.getAttribute("data-usd"))).toBeCloseTo(
    (shownSeconds * Number(price!.hourlyUsd)) / 3600,
    9,
  );

  await expect(page.getByTestId("cost-usd-per-hour")).not.toHaveText("—");
  // $/hour is flat while nothing scales, so the line has no height: check that it is drawn through measured points.
  await expect(page.getByTestId("chart-usd-per-hour").locator("path.recharts-line-curve").first()).toHaveAttribute(
    "d",
    /^M[\d.]+,[\d.]+L/,
  );
  await expect(page.getByTestId("budgets-table")).toBeVisible();
});
