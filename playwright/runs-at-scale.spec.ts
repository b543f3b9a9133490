import { expect, test, type Locator, type Page } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query, uniqueSuffix } from "@/playwright/support/db";

const RUNS = 450;

const SPIKE_VALUE = 1.25;

/** The most runs a compare link lists by id (components/experiments/shared/url.ts MAX_COMPARE_RUNS). */
const MAX_LINK_RUNS = 200;

/**
 * An experiment of the test's own with 450 runs, bulk-inserted (logging them one by one through the API would take
 * longer than the test): each run has a metric series of 20 points, so the compare page draws them. One run, the
 * "spike", logged SPIKE_VALUE at every step, far above the others (at most 0.9), so a hover can aim at its line.
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
  const spikeId = `${experimentId}_0001`;
  await query(`UPDATE "MetricSeries" SET "lastValue" = $2, "maxValue" = $2 WHERE "runId" = $1`, [spikeId, SPIKE_VALUE]);
  await query(
    `UPDATE "MetricPoint" SET value = $2 WHERE "seriesId" = (SELECT id FROM "MetricSeries" WHERE "runId" = $1)`,
    [spikeId, SPIKE_VALUE],
  );
  return { experimentId, spikeId, spikeName: "scale-run-0001" };
}

/** The chart's plot area inside its element (the margins of metric-curves-chart.tsx). */
async function plotArea(chart: Locator) {
  const box = await chart.boundingBox();
  if (!box) throw new Error("The chart is not on screen");
  return { left: box.x + 64, top: box.y + 8, width: box.width - 80, height: box.height - 38 };
}

/** The page row of `value` on a linear y axis, read from the positions of the chart's first and last tick labels. */
async function rowOfValue(chart: Locator, value: number) {
  const ticks = chart.getByTestId("curve-y-ticks").locator("span");
  const read = async (tick: Locator) => {
    const box = await tick.boundingBox();
    if (!box) throw new Error("A tick label is not on screen");
    return { value: Number((await tick.innerText()).replaceAll(",", "")), y: box.y + box.height / 2 };
  };
  const first = await read(ticks.first());
  const last = await read(ticks.last());
  return first.y + ((value - first.value) / (last.value - first.value)) * (last.y - first.y);
}

async function dragAcross(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, to.y, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 4 });
  await page.mouse.up();
}

test("a data scientist scrolls 450 runs, selects 200 across pages and compares them", async ({ page }) => {
  const scientist = await createPerson("DATA_SCIENTIST", "scaler");
  const { experimentId, spikeId, spikeName } = await seedLargeExperiment(scientist.id);
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
  const chart = page.getByRole("group", { name: /^val_auc by step/ });
  await expect(chart).toHaveAttribute("data-drawn-curves", "200");

  // Hovering the highest line names its run and brings it forward.
  await chart.scrollIntoViewIfNeeded();
  const plot = await plotArea(chart);
  await page.mouse.move(plot.left + plot.width / 2, await rowOfValue(chart, SPIKE_VALUE));
  await expect(chart.getByTestId("curve-hover-run")).toContainText(spikeName);
  await expect(chart).toHaveAttribute("data-highlighted-run", spikeId);
  await page.mouse.move(plot.left + plot.width / 2, plot.top + plot.height + 200);
  await expect(chart.getByTestId("curve-hover-run")).toHaveCount(0);

  // Dragging across the middle half zooms every chart to those steps, kept in the link.
  await dragAcross(
    page,
    { x: plot.left + plot.width * 0.25, y: plot.top + 20 },
    { x: plot.left + plot.width * 0.75, y: plot.top + 20 },
  );
  await expect(page).toHaveURL(/[?&]zoom=\d+\.\.\d+/);
  const zoom = new URL(page.url()).searchParams.get("zoom") ?? "";
  const [from, to] = zoom.split("..").map(Number) as [number, number];
  expect(from).toBeGreaterThanOrEqual(3);
  expect(to).toBeLessThanOrEqual(16);
  await expect(chart).toHaveAttribute("data-steps", zoom);
  await expect(page.getByTestId("curves-zoom")).toContainText(`Steps ${from}–${to}`);
  // The range's own curves replace the whole ones' few points in it: every run still drawn.
  await expect(page.getByTestId("curves-zoom-detail")).toHaveText("detail loaded");
  await expect(chart).toHaveAttribute("data-drawn-curves", "200");
  // Panning moves a quarter of the view within the whole curves' steps, not only within the range the detail holds.
  const shift = Math.round((to - from) * 0.25) || 1;
  expect(shift).toBeGreaterThan(1);
  await chart.focus();
  await page.keyboard.press("ArrowRight");
  await expect(page).toHaveURL(new RegExp(`[?&]zoom=${from + shift}\\.\\.${to + shift}(&|$)`));
  await expect(page.getByTestId("curves-zoom-detail")).toHaveText("detail loaded");
  await page.keyboard.press("ArrowLeft");
  await expect(page).toHaveURL(new RegExp(`[?&]zoom=${from}\\.\\.${to}(&|$)`));

  // Log scale: the axis goes by powers of ten.
  const logToggle = page.getByRole("button", { name: "Log scale" });
  await logToggle.click();
  await expect(logToggle).toHaveAttribute("aria-pressed", "true");
  await expect(page).toHaveURL(/[?&]log=val_auc/);
  await expect(chart).toHaveAttribute("data-scale", "log");
  // The values shown reach 1.25: the axis runs by powers of ten up to 10, one label each.
  await expect(chart.getByTestId("curve-y-ticks").locator("span").last()).toHaveText("10");
  const logLabels = await chart.getByTestId("curve-y-ticks").locator("span").allInnerTexts();
  expect(logLabels).toContain("1");
  for (const label of logLabels) expect(label).toMatch(/^(0\.0*1|1|10)$/);
  await expect(chart).toHaveAttribute("data-drawn-curves", "200");

  // The copied link opens the same view: same runs, zoom and scale.
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByTestId("copy-link").click();
  await expect(page.getByText("Link copied")).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(page.url());
  const reader = await page.context().newPage();
  await reader.goto(link);
  const shared = reader.getByRole("group", { name: /^val_auc by step/ });
  await expect(shared).toHaveAttribute("data-drawn-curves", "200", { timeout: 20_000 });
  await expect(shared).toHaveAttribute("data-scale", "log");
  await expect(shared).toHaveAttribute("data-steps", zoom);
  await reader.close();

  // From the keyboard: Escape shows every step again.
  await chart.focus();
  await page.keyboard.press("Escape");
  await expect(page).not.toHaveURL(/[?&]zoom=/);
  await expect(chart).toHaveAttribute("data-steps", "0..19");

  // Pointing at a run in the legend (all 200 listed) brings its line forward in the chart.
  await page.getByRole("button", { name: "Show all 200 runs" }).click();
  const legendEntry = page.getByTestId("run-legend").getByRole("button", { name: spikeName, exact: true });
  await legendEntry.hover();
  await expect(chart).toHaveAttribute("data-highlighted-run", spikeId);
  await page.mouse.move(0, 0);
  await expect(chart).toHaveAttribute("data-highlighted-run", "");
});

test("a viewer compares every run a filter lists, more than a link can name, through a saved selection", async ({
  page,
}) => {
  const scientist = await createPerson("DATA_SCIENTIST", "owner");
  const viewer = await createPerson("VIEWER", "looker");
  const { experimentId } = await seedLargeExperiment(scientist.id);
  await signInAs(page, viewer.email);

  // 450 runs, then the ones a filter keeps: each time the button names the runs the table lists.
  await page.goto(`/experiments/${experimentId}?sort=metrics.val_auc&dir=desc`);
  await expect(page.getByTestId("compare-all")).toHaveText(`Compare all ${RUNS}`);
  const [{ matching }] = (await query<{ matching: number }>(
    `SELECT count(*)::int AS matching FROM "MetricSeries" s JOIN "Run" r ON r.id = s."runId"
     WHERE r."experimentId" = $1 AND s."lastValue" > 0.4`,
    [experimentId],
  )) as [{ matching: number }];
  expect(matching).toBeGreaterThan(MAX_LINK_RUNS);
  await page.locator("#run-filter").fill("metrics.val_auc > 0.4");
  await page.locator("#run-filter").press("Enter");
  await expect(page.getByTestId("compare-all")).toHaveText(`Compare all ${matching} matching`);
  await page.getByTestId("compare-all").click();

  await expect(page).toHaveURL(/\/experiments\/compare\?set=[A-Za-z0-9_-]{22}$/);
  await expect(page.getByRole("heading", { name: "Compare runs" })).toBeVisible();
  await expect(page.getByText(`${matching} runs side by side`)).toBeVisible();
  await expect(page.getByTestId("curves-progress")).toHaveText(/KB of curves/, { timeout: 30_000 });
  const chart = page.getByRole("group", { name: /^val_auc by step/ });
  await expect(chart).toHaveAttribute("data-drawn-curves", String(matching));

  // The selection keeps the table's order (highest val_auc first) and the link reopens it.
  const [saved] = await query<{ runIds: string[] }>(`SELECT "runIds" FROM "RunSelection" WHERE id = $1`, [
    new URL(page.url()).searchParams.get("set"),
  ]);
  const expected = await query<{ id: string }>(
    `SELECT r.id FROM "MetricSeries" s JOIN "Run" r ON r.id = s."runId"
     WHERE r."experimentId" = $1 AND s."lastValue" > 0.4 ORDER BY s."lastValue" DESC, r."startTime" DESC, r.id`,
    [experimentId],
  );
  expect(saved?.runIds).toEqual(expected.map((row) => row.id));
  await page.reload();
  await expect(chart).toHaveAttribute("data-drawn-curves", String(matching));

  // Hiding every run, then showing one, keeps the link short: it lists the run shown, not the hundreds hidden.
  await page.getByRole("button", { name: "Hide all" }).click();
  await expect(page.getByText(`Runs (0 of ${matching} shown in charts)`)).toBeVisible();
  await page.getByTestId("run-legend").getByRole("button", { pressed: false }).first().click();
  await expect(chart).toHaveAttribute("data-drawn-curves", "1");
  await expect(page).toHaveURL(/[?&]shown=[^&,]+$/);
  expect(page.url().length).toBeLessThan(300);

  // A link naming a selection that was never saved says so.
  await page.goto("/experiments/compare?set=AAAAAAAAAAAAAAAAAAAAAA");
  await expect(page.getByRole("alert").filter({ hasText: "Saved selection not found" })).toBeVisible();
});
