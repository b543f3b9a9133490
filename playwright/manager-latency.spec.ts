import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { ENDPOINT, prometheus, runtimeSum, sendPredictions } from "@/playwright/support/traffic";

const REQUESTS = 40;

test("a manager sees latency and traffic that match what Prometheus returns for the same query", async ({ page }) => {
  test.setTimeout(180_000);
  await sendPredictions(REQUESTS);
  const served = await runtimeSum("modelport_runtime_requests_total", { endpoint: ENDPOINT, status: "200" });
  expect(served).toBeGreaterThanOrEqual(REQUESTS);

  // Prometheus has scraped once the counter it stores equals the runtime's own, over at least two scrapes (for rates).
  const selector = `modelport_runtime_requests_total{endpoint="${ENDPOINT}",status="200"}`;
  await expect
    .poll(async () => Number((await prometheus(`sum(${selector})`))[0]?.value[1] ?? 0), { timeout: 30_000 })
    .toBe(served);
  await expect
    .poll(async () => Number((await prometheus(`sum(count_over_time(${selector}[15m]))`))[0]?.value[1] ?? 0), {
      timeout: 30_000,
    })
    .toBeGreaterThan(1);

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
    const direct = (await prometheus(promql!, time!)).find(
      (s) => s.metric.endpoint === ENDPOINT && s.metric.variant === variant,
    );
    expect(Number(shown), `${metric}: ${promql}`).toBe(Number(direct?.value[1]));
  }
  expect(Number(await tableRow.locator('td[data-metric="requests"]').getAttribute("data-value"))).toBeGreaterThan(0);

  for (const chart of ["p99", "rps"]) {
    await expect(page.getByTestId(`chart-${chart}`).locator("path.recharts-line-curve").first()).toBeVisible();
  }
  await expect(page.getByTestId(`slo-${ENDPOINT}`)).toBeVisible();
});
