import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query, uniqueSuffix } from "@/playwright/support/db";

const RUNS = 450;

/**
 * An experiment of the test's own with 450 runs, bulk-inserted (logging them one by one through the API would take
 * longer than the test): each run has a metric series of 20 points, so the compare page draws them.
 */
async function seedLargeExperiment(ownerId: string) {
  const suffix = uniqueSuffix();
  const experimentId = `e2e_scale_${suffix}`;
  await query(
    `INSERT INTO "Experiment"(id, name, "createdById", "teamId")
     VALUES ($1, $2, $3, (SELECT "teamId" FROM "User" WHERE id = $3))`,
    [experimentId, `e2e-scale-${suffix}`, ownerId],
  );
  await query(
    `INSERT INTO "Run"(id, "experimentId", name, status, "startTime", "endTime", "userId", tags)
     SELECT $1 || '_' || lpad(r::text, 4, '0'), $1, 'scale-run-' || lpad(r::text, 4, '0'), 'FINISHED',
            now() - r * interval '1 minute', now() - r * interval '1 minute' + interval '30 seconds', $2, '{}'
     FROM generate_series(1, ${RUNS}) r`,
    [experimentId, ownerId],
  );
  await query(
    `INSERT INTO "MetricSeries"("runId", key, "lastValue", "lastStep", "minValue", "maxValue", "pointCount", "updatedAt")
     SELECT id, 'val_auc', 0.5 + (hashtext(id) % 1000) / 2500.0, 19, 0.1, 0.9, 20, now()
     FROM "Run" WHERE "experimentId" = $1`,
    [experimentId],
  );
  await query(
    `INSERT INTO "MetricPoint"("seriesId", step, value, timestamp)
     SELECT s.id, st, s."lastValue" * (1 - exp(-(st + 1) / 4.0)), st
     FROM "MetricSeries" s JOIN "Run" r ON r.id = s."runId", generate_series(0, 19) st
     WHERE r."experimentId" = $1`,
    [experimentId],
  );
  return experimentId;
}

test("a data scientist scrolls 450 runs, selects 200 across pages and compares them", async ({ page }) => {
  const scientist = await createPerson("DATA_SCIENTIST", "scaler");
  const experimentId = await seedLargeExperiment(scientist.id);
  await signInAs(page, scientist.email);
  await page.goto(`/experiments/${experimentId}?sort=metrics.val_auc&dir=desc`);

  const loaded = page.getByTestId("runs-loaded");
  await expect(loaded).toHaveText(`100 of ${RUNS} runs loaded`);
  const table = page.getByRole("region", { name: "Runs" });
  // Only the rows in view are in the page, not all that are loaded.
  expect(await page.getByRole("checkbox", { name: /^Select run / }).count()).toBeLessThan(60);

  // Scrolling to the end reads the next page with the server's cursor.
  await table.evaluate((element) => element.scrollTo(0, element.scrollHeight));
  await expect(loaded).toHaveText(`200 of ${RUNS} runs loaded`);
  await page.getByRole("checkbox", { name: "Select loaded runs, up to 200" }).check();
  await expect(page.getByTestId("compare-bar")).toContainText("200 selected");

  // The selection is the first two pages in the server's order: the 200 runs with the highest val_auc.
  const top = await query<{ id: string }>(
    `SELECT r.id FROM "MetricSeries" s JOIN "Run" r ON r.id = s."runId"
     WHERE r."experimentId" = $1 ORDER BY s."lastValue" DESC, r."startTime" DESC, r.id LIMIT 200`,
    [experimentId],
  );
  const selected = (new URL(page.url()).searchParams.get("sel") ?? "").split(",");
  expect(new Set(selected)).toEqual(new Set(top.map((row) => row.id)));

  // Reading on to the end, every run arrives once.
  for (const expected of ["300", "400"]) {
    await table.evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await expect(loaded).toHaveText(`${expected} of ${RUNS} runs loaded`);
  }
  await table.evaluate((element) => element.scrollTo(0, element.scrollHeight));
  await expect(loaded).toHaveText(`All ${RUNS} runs loaded`);
  await expect(page.getByTestId("compare-bar")).toContainText("200 selected");

  await page.getByRole("link", { name: "Compare 200 runs" }).click();
  await expect(page).toHaveURL(/\/experiments\/compare\?.*runs=/);
  await expect(page.getByTestId("curves-progress")).toHaveText(/KB of curves/, { timeout: 20_000 });
  await expect(page.getByTestId("curve-val_auc").locator("path.recharts-line-curve")).toHaveCount(200);
});
