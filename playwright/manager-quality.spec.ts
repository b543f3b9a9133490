import { expect, test, type Page } from "@playwright/test";
import { generateTraffic, type ServedBatch } from "@/scripts/traffic/generate-traffic";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query } from "@/playwright/support/db";
import { RUNTIME_URL } from "@/playwright/support/traffic";

/**
 * The Quality view against the database. The spec sends its own predictions through the real runtime (capture on: the
 * runtime appends them to a Redis stream, the worker's loader writes CapturedPrediction), reports ground truth for
 * part of them through the REST feedback API with a token created on the settings page, and then compares what the
 * page shows with numbers computed here, straight from the rows, in the simplest way.
 *
 * The seeded production endpoints are shared with other specs (their traffic adds captured predictions), so nothing
 * here assumes what else is in the tables: every expected number is computed from all rows in the range at the time
 * the page is read, and the database is read again after the page to make sure nothing moved in between.
 */
const CLASSIFIER = "fraud-detector-xgb-production-local";
const REGRESSOR = "delivery-time-estimator-production-local";
const MIN_LABELLED = 30;
const DAY_MS = 86_400_000;

type Endpoint = { id: string; inputs: string[]; classes: string[] };

async function endpointNamed(name: string): Promise<Endpoint | undefined> {
  const [row] = await query<{ id: string; inputs: Array<{ name: string }>; classes: string[] }>(
    `SELECT e.id, v.signature->'inputs' AS inputs, m."outcomeClasses" AS classes FROM "Endpoint" e
     JOIN "RegisteredModel" m ON m.id = e."modelId" JOIN "EndpointVariant" ev ON ev."endpointId" = e.id
     JOIN "ModelVersion" v ON v.id = ev."versionId" WHERE e.name = $1 LIMIT 1`,
    [name],
  );
  return row && { id: row.id, inputs: row.inputs.map((i) => i.name), classes: row.classes };
}

/** Waits until the worker has deployed the seeded endpoint and the runtime answers it. */
async function servedEndpoint(name: string): Promise<Endpoint> {
  await expect
    .poll(async () => (await endpointNamed(name)) !== undefined, { timeout: 150_000, intervals: [2000] })
    .toBe(true);
  const endpoint = (await endpointNamed(name))!;
  const known = [{ endpointName: name, inputs: endpoint.inputs }];
  await expect
    .poll(
      async () =>
        (await generateTraffic({ runtimeUrl: RUNTIME_URL, knownEndpoints: known, rate: 10, maxRequests: 1, batch: 1 }))
          .endpoints[0]!.okRequests,
      { timeout: 150_000, intervals: [2000] },
    )
    .toBe(1);
  return endpoint;
}

/** Sends `requests` × `batch` predictions and answers each row's prediction id and true target. */
async function predict(name: string, endpoint: Endpoint, requests: number, batch: number, seed: number) {
  const served: ServedBatch[] = [];
  const summary = await generateTraffic({
    runtimeUrl: RUNTIME_URL,
    knownEndpoints: [{ endpointName: name, inputs: endpoint.inputs }],
    rate: 20,
    maxRequests: requests,
    batch,
    seed,
    onServed: (batchServed) => served.push(batchServed),
  });
  expect(summary.endpoints[0]!.okRequests).toBe(requests);
  return served.flatMap((s) => s.predictionIds.map((id, i) => ({ id, target: s.targets[i]! })));
}

/** Waits until the worker's loader has written every one of these predictions to CapturedPrediction. */
async function waitUntilCaptured(ids: string[]) {
  await expect
    .poll(
      async () =>
        Number(
          (
            await query<{ n: string }>(`SELECT count(*) AS n FROM "CapturedPrediction" WHERE id = ANY($1::uuid[])`, [
              ids,
            ])
          )[0]!.n,
        ),
      { timeout: 60_000, intervals: [500] },
    )
    .toBe(ids.length);
}

async function sendFeedback(baseURL: string, secret: string, name: string, outcomes: Array<Record<string, unknown>>) {
  const response = await fetch(`${baseURL}/api/v1/endpoints/${name}/feedback`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ outcomes }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { counts: { created: number } };
}

type OutcomeRow = {
  variantName: string;
  day: string;
  predictedLabel: string | null;
  predictedValue: number | null;
  score: number | null;
  label: string | null;
  value: number | null;
  pi: number;
};

/**
 * What the Quality view should show for one endpoint with `source=feedback` over the last 7 UTC days, per variant,
 * written out from the rows: each day's outcomes weighted by 1/(π · known_d/captured_d), the day's feedback rate.
 */
async function expectedFromDatabase(endpointId: string) {
  // The 7 UTC days ending today, as the page's default range; timestamps are stored as UTC without a zone.
  const start = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 6 * DAY_MS).toISOString().slice(0, 10);
  const [rolledUp] = await query<{ n: string }>(`SELECT count(*) AS n FROM "CapturedDayRollup" WHERE day >= $1::date`, [
    start,
  ]);
  expect(Number(rolledUp!.n), "no rolled-up day in the range: the live counts are the captured counts").toBe(0);
  const outcomes = await query<OutcomeRow>(
    `SELECT "variantName", to_char("predictedAt", 'YYYY-MM-DD') AS day, "predictedLabel", "predictedValue", score,
       label, value, "inclusionProbability" AS pi
     FROM "PredictionOutcome" WHERE "endpointId" = $1 AND source = 'FEEDBACK' AND "predictedAt" >= $2::timestamp`,
    [endpointId, start],
  );
  const captured = await query<{ variantName: string; day: string; n: string }>(
    `SELECT "variantName", to_char("predictedAt", 'YYYY-MM-DD') AS day, count(*) AS n FROM "CapturedPrediction"
     WHERE "endpointId" = $1 AND "predictedAt" >= $2::timestamp GROUP BY 1, 2`,
    [endpointId, start],
  );
  const variants = [...new Set([...outcomes, ...captured].map((r) => r.variantName))].sort();
  return variants.map((variantName) => {
    const capturedOn = new Map(captured.filter((c) => c.variantName === variantName).map((c) => [c.day, Number(c.n)]));
    const rows = outcomes.filter((o) => o.variantName === variantName);
    const knownOn = new Map<string, number>();
    for (const r of rows) knownOn.set(r.day, (knownOn.get(r.day) ?? 0) + 1);
    const weight = (r: OutcomeRow) => {
      const capturedThatDay = capturedOn.get(r.day) ?? 0;
      const rate = capturedThatDay > 0 ? Math.min(1, knownOn.get(r.day)! / capturedThatDay) : 1;
      return 1 / (r.pi * rate);
    };
    const ratio = (usable: OutcomeRow[], y: (r: OutcomeRow) => number, x: (r: OutcomeRow) => number) => {
      const n = usable.filter((r) => x(r) !== 0).length;
      const denominator = usable.reduce((s, r) => s + weight(r) * x(r), 0);
      const value = denominator === 0 ? null : usable.reduce((s, r) => s + weight(r) * y(r), 0) / denominator;
      const status = n < MIN_LABELLED ? "insufficient" : value === null ? "undefined" : "measured";
      return { status, value: status === "measured" ? value : null, n };
    };
    const labelled = rows.filter((r) => r.predictedLabel !== null && r.label !== null);
    const valued = rows.filter((r) => (r.predictedValue ?? r.score) !== null && r.value !== null);
    const is = (condition: boolean) => (condition ? 1 : 0);
    const totalCaptured = [...capturedOn.values()].reduce((s, n) => s + n, 0);
    return {
      variantName,
      captured: totalCaptured,
      known: rows.length,
      unknownShare: totalCaptured > 0 ? Math.max(0, 1 - rows.length / totalCaptured) : null,
      precision: (label: string) =>
        ratio(
          labelled,
          (r) => is(r.predictedLabel === label && r.label === label),
          (r) => is(r.predictedLabel === label),
        ),
      recall: (label: string) =>
        ratio(
          labelled,
          (r) => is(r.predictedLabel === label && r.label === label),
          (r) => is(r.label === label),
        ),
      mae: ratio(
        valued,
        (r) => Math.abs((r.predictedValue ?? r.score)! - r.value!),
        () => 1,
      ),
      labelled: { classification: labelled.length, regression: valued.length },
    };
  });
}

type Expected = Awaited<ReturnType<typeof expectedFromDatabase>>;

/** The numbers as plain data, so two reads of the database can be compared. */
const snapshot = (expected: Expected, classes: string[]) =>
  JSON.stringify(
    expected.map((v) => ({
      ...v,
      precision: classes.map((c) => v.precision(c)),
      recall: classes.map((c) => v.recall(c)),
    })),
  );

async function expectEstimate(
  cell: ReturnType<Page["getByTestId"]>,
  expected: { status: string; value: number | null; n: number },
) {
  await expect(cell).toHaveAttribute("data-status", expected.status);
  await expect(cell).toHaveAttribute("data-n", String(expected.n));
  if (expected.value === null) return;
  const shown = Number(await cell.getAttribute("data-value"));
  expect(shown).toBeCloseTo(expected.value, 9);
  // The number on screen, as displayed: three decimals below 10, one above.
  await expect(cell).toContainText(expected.value.toFixed(Math.abs(expected.value) >= 10 ? 1 : 3));
  const [lower, upper] = [Number(await cell.getAttribute("data-lower")), Number(await cell.getAttribute("data-upper"))];
  // An interval around the value, never of zero width (even for a precision of 1 from feedback with π = 1).
  expect(lower).toBeLessThanOrEqual(expected.value);
  expect(upper).toBeGreaterThanOrEqual(expected.value);
  expect(upper - lower).toBeGreaterThan(0);
}

/** Opens the endpoint's Quality view (feedback) and reads it between two reads of the database that must agree. */
async function compareWithDatabase(
  page: Page,
  name: string,
  endpoint: Endpoint,
  kind: "classification" | "regression",
) {
  const before = await expectedFromDatabase(endpoint.id);
  await page.goto(`/dashboards/quality?source=feedback&endpoint=${endpoint.id}`);
  const section = page.locator(`[data-testid="quality-endpoint"][data-endpoint="${name}"]`);
  await expect(section).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("quality-source")).toHaveAttribute("data-source", "feedback");
  for (const v of before) {
    const variantRow = section.locator(`[data-testid="quality-variant-row"][data-variant="${v.variantName}"]`);
    const unknown = variantRow.getByTestId("quality-unknown-share");
    await expect(unknown).toHaveAttribute("data-captured", String(v.captured));
    await expect(unknown).toHaveAttribute("data-known", String(v.known));
    expect(Number(await unknown.getAttribute("data-value"))).toBeCloseTo(v.unknownShare!, 12);
    await expect(unknown).toContainText(`${(v.unknownShare! * 100).toFixed(1)} %`);
    await expect(variantRow.getByTestId("quality-labelled")).toHaveAttribute("data-value", String(v.labelled[kind]));
    if (kind === "regression") await expectEstimate(variantRow.getByTestId("quality-mae"), v.mae);
    else
      for (const label of endpoint.classes) {
        const classRow = section.locator(
          `[data-testid="quality-class-row"][data-variant="${v.variantName}"][data-class="${label}"]`,
        );
        await expectEstimate(classRow.getByTestId("quality-precision"), v.precision(label));
        await expectEstimate(classRow.getByTestId("quality-recall"), v.recall(label));
      }
  }
  const after = await expectedFromDatabase(endpoint.id);
  expect(snapshot(after, endpoint.classes), "the database did not change while the page was read").toBe(
    snapshot(before, endpoint.classes),
  );
  return before;
}

test("a manager sees precision, recall, MAE and the unknown share the database gives", async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const classifier = await servedEndpoint(CLASSIFIER);
  const regressor = await servedEndpoint(REGRESSOR);
  const fraudPredictions = await predict(CLASSIFIER, classifier, 20, 10, 4242);
  const deliveryPredictions = await predict(REGRESSOR, regressor, 10, 10, 4343);
  await waitUntilCaptured([...fraudPredictions, ...deliveryPredictions].map((p) => p.id));

  const manager = await createPerson("MANAGER", "quality-manager");
  await signInAs(page, manager.email);

  // Before any feedback of ours: whatever the table holds, the page agrees with it (with no feedback at all, every
  // number is withheld as "not enough labelled rows" and the whole of the traffic is of unknown outcome).
  const empty = await compareWithDatabase(page, CLASSIFIER, classifier, "classification");
  expect(empty.length).toBeGreaterThan(0);

  // A data scientist of the owning team creates a feedback token on the settings page, as a pipeline would.
  await page.context().clearCookies();
  const scientist = await createPerson("DATA_SCIENTIST", "quality-scientist", "Fraud & Risk");
  await signInAs(page, scientist.email);
  await page.goto("/settings/tokens");
  await page.getByTestId("token-name").fill("outcome pipeline");
  await page.getByTestId("scope-feedback:write").check();
  await page.getByTestId("create-token").click();
  const fraudSecret = (await page.getByTestId("token-secret").textContent())?.trim() ?? "";
  expect(fraudSecret).toMatch(/^mp_/);
  await page.context().clearCookies();
  const logistician = await createPerson("DATA_SCIENTIST", "quality-logistics", "Logistics");
  await signInAs(page, logistician.email);
  await page.goto("/settings/tokens");
  await page.getByTestId("token-name").fill("delivery outcomes");
  await page.getByTestId("scope-feedback:write").check();
  await page.getByTestId("create-token").click();
  const deliverySecret = (await page.getByTestId("token-secret").textContent())?.trim() ?? "";
  expect(deliverySecret).toMatch(/^mp_/);

  // Ground truth for 3 in 4 of the fraud predictions and 3 in 5 of the deliveries: the rest stays unknown.
  const knownAt = new Date().toISOString();
  const fraudOutcomes = fraudPredictions
    .filter((_, i) => i % 4 !== 3)
    .map((p) => ({ predictionId: p.id, label: classifier.classes[Math.round(p.target)]!, knownAt }));
  const deliveryOutcomes = deliveryPredictions
    .filter((_, i) => i % 5 < 3)
    .map((p) => ({ predictionId: p.id, value: p.target, knownAt }));
  expect((await sendFeedback(baseURL!, fraudSecret, CLASSIFIER, fraudOutcomes)).counts.created).toBe(
    fraudOutcomes.length,
  );
  expect((await sendFeedback(baseURL!, deliverySecret, REGRESSOR, deliveryOutcomes)).counts.created).toBe(
    deliveryOutcomes.length,
  );
  // A token of another team cannot report outcomes for this endpoint, and writes nothing.
  const refused = await fetch(`${baseURL}/api/v1/endpoints/${CLASSIFIER}/feedback`, {
    method: "POST",
    headers: { authorization: `Bearer ${deliverySecret}`, "content-type": "application/json" },
    body: JSON.stringify({ outcomes: fraudOutcomes.slice(0, 1) }),
  });
  expect(refused.status).toBe(403);

  await page.context().clearCookies();
  await signInAs(page, manager.email);
  const fraud = await compareWithDatabase(page, CLASSIFIER, classifier, "classification");
  // Our 150 outcomes are in: the positive class's numbers are measured, not withheld.
  expect(fraud.reduce((s, v) => s + v.known, 0)).toBeGreaterThanOrEqual(fraudOutcomes.length);
  const measured = fraud.flatMap((v) => classifier.classes.map((c) => v.recall(c).status));
  expect(measured).toContain("measured");
  const delivery = await compareWithDatabase(page, REGRESSOR, regressor, "regression");
  expect(delivery.some((v) => v.mae.status === "measured")).toBe(true);
});

test("the Quality view says so when it is loading and when the endpoint does not exist", async ({ page }) => {
  const viewer = await createPerson("VIEWER", "quality-viewer");
  await signInAs(page, viewer.email);
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/trpc/quality.dashboard**", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/dashboards/quality?source=review");
  await expect(page.getByText("Estimating quality…")).toBeVisible();
  release();
  await expect(page.getByTestId("quality-as-of")).toBeVisible({ timeout: 30_000 });
  await page.unroute("**/api/trpc/quality.dashboard**");

  await page.goto("/dashboards/quality?endpoint=no-such-endpoint");
  await expect(page.getByRole("alert").filter({ hasText: "Something went wrong" })).toContainText("Endpoint not found");
  await expect(page.getByRole("button", { name: "Retry" })).toBeVisible();
});
