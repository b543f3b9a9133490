import { expect, test, type Page } from "@playwright/test";
import { generateTraffic, type ServedBatch } from "@/scripts/traffic/generate-traffic";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query, uniqueSuffix } from "@/playwright/support/db";
import { servingVersion } from "@/playwright/support/deployments";
import { RUNTIME_URL } from "@/playwright/support/traffic";

// The whole A/B flow on the seeded fraud classifier's production endpoint: set up in the browser, start, traffic and
// ground truth through the runtime and the feedback API as the DEMO generator sends them, the worker's looks filling
// the page, then "promote the winner" into a production approval that carries the test's evidence; a manager of
// another team reads the same page without its controls. The test ends concluded, the champion serving alone again.
const ENDPOINT = "fraud-detector-xgb-production-local";

async function feedbackToken(page: Page) {
  await page.goto("/settings/tokens");
  await page.getByTestId("token-name").fill(`ab outcomes ${uniqueSuffix()}`);
  await page.getByTestId("scope-feedback:write").check();
  await page.getByTestId("create-token").click();
  const secret = (await page.getByTestId("token-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^mp_/);
  return secret;
}

/** Predictions with routing keys (sticky callers) as the generator sends them; answers each row's id and true class. */
async function predict(inputs: string[], requests: number, seed: number) {
  const served: ServedBatch[] = [];
  const summary = await generateTraffic({
    runtimeUrl: RUNTIME_URL,
    knownEndpoints: [{ endpointName: ENDPOINT, inputs }],
    rate: 40,
    maxRequests: requests,
    batch: 4,
    routingKeys: 300,
    seed,
    onServed: (batch) => served.push(batch),
  });
  expect(summary.endpoints[0]!.okRequests).toBe(requests);
  return served.flatMap((s) => s.predictionIds.map((id, i) => ({ id, target: s.targets[i]! })));
}

test("a data scientist starts an A/B test, watches it fill, promotes the winner into an approval; a manager reads it", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(300_000);
  const scientist = await createPerson("DATA_SCIENTIST", "ab-flow-scientist", "Fraud & Risk");
  const manager = await createPerson("MANAGER", "ab-flow-manager", "Logistics");
  const champion = await servingVersion(ENDPOINT);
  const [endpoint] = await query<{ id: string; inputs: Array<{ name: string }>; classes: string[] }>(
    `SELECT e.id, v.signature->'inputs' AS inputs, m."outcomeClasses" AS classes FROM "Endpoint" e
     JOIN "RegisteredModel" m ON m.id = e."modelId" JOIN "EndpointVariant" ev ON ev."endpointId" = e.id
     JOIN "ModelVersion" v ON v.id = ev."versionId" WHERE e.name = $1 LIMIT 1`,
    [ENDPOINT],
  );
  const name = `e2e flow ${uniqueSuffix()}`;

  await signInAs(page, scientist.email);
  const secret = await feedbackToken(page);
  // From the model's page: the set-up lists only this model's endpoints.
  await page.goto("/models/fraud-detector-xgb");
  await page.getByTestId("model-new-ab-test").click();
  const picker = page.getByTestId("ab-endpoint-picker");
  await expect(picker.locator("option", { hasText: "delivery-time-estimator" })).toHaveCount(0);
  await picker.selectOption(endpoint!.id);
  await expect(page.getByTestId("ab-champion")).toContainText(`v${champion}`);
  await page.getByLabel("Test name").fill(name);
  await page.getByLabel("Challenger 1 traffic %").fill("50");
  await page.getByLabel("Smallest effect worth detecting").fill("0.05");
  await page.getByLabel("Baseline rate (optional)").fill("0.8");
  await page.getByTestId("ab-test-submit").click();
  await expect(page).toHaveURL(/\/ab-tests\/(?!new)[^/?]+$/);
  await expect(page.getByTestId("ab-test-planned")).toBeVisible();
  const testUrl = page.url();
  const [{ id: testId, challenger } = { id: "", challenger: 0 }] = await query<{ id: string; challenger: number }>(
    `SELECT t.id, v.version AS challenger FROM "AbTest" t JOIN "AbTestArm" a ON a."testId" = t.id AND a.role = 'CHALLENGER'
     JOIN "ModelVersion" v ON v.id = a."versionId" WHERE t.name = $1`,
    [name],
  );

  // Start: the worker moves the traffic; the page follows it until the split is live.
  await page.getByTestId("ab-test-start").click();
  await expect(page.getByTestId("ab-test-controls").getByTestId("ab-test-promote")).toBeVisible({ timeout: 60_000 });
  const weights = await query<{ variantName: string; weight: number }>(
    `SELECT "variantName", weight FROM "EndpointVariant" WHERE "endpointId" = $1 ORDER BY "variantName"`,
    [endpoint!.id],
  );
  expect(weights.map((w) => w.weight)).toEqual([50, 50]);

  // Traffic and, for most of it, ground truth, as the DEMO generator sends them; the looks fill the page.
  const predictions = await predict(
    endpoint!.inputs.map((i) => i.name),
    150,
    42,
  );
  await expect
    .poll(
      async () =>
        Number(
          (
            await query<{ n: string }>(`SELECT count(*) AS n FROM "CapturedPrediction" WHERE id = ANY($1::uuid[])`, [
              predictions.map((p) => p.id),
            ])
          )[0]!.n,
        ),
      { timeout: 60_000, intervals: [500] },
    )
    .toBe(predictions.length);
  const knownAt = new Date().toISOString();
  const outcomes = predictions
    .filter((_, i) => i % 5 !== 4)
    .map((p) => ({ predictionId: p.id, label: endpoint!.classes[Math.round(p.target)]!, knownAt }));
  const feedback = await fetch(`${baseURL}/api/v1/endpoints/${ENDPOINT}/feedback`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ outcomes }),
  });
  expect(feedback.status, await feedback.clone().text()).toBe(200);

  const comparisons = page.getByTestId("ab-comparisons");
  await expect(comparisons).toContainText("Accuracy", { timeout: 60_000 });
  // Both arms' outcomes counted: the look's units add up to what was reported for this test's window.
  await expect
    .poll(
      async () => {
        const [row] = await query<{ units: number }>(
          `SELECT "controlUnits" + "treatmentUnits" AS units FROM "AbTestLook" WHERE "testId" = $1 AND metric = 'accuracy'
           ORDER BY at DESC LIMIT 1`,
          [testId],
        );
        return row?.units ?? 0;
      },
      { timeout: 60_000, intervals: [1000] },
    )
    .toBeGreaterThanOrEqual(outcomes.length);
  await expect(page.getByTestId("ab-srm")).toBeVisible();
  await expect(page.getByTestId("ab-arms")).toContainText("50");
  await expect(page.getByTestId("ab-interval-chart")).toBeVisible();

  // A manager of another team reads the same page, with no controls.
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signInAs(other, manager.email);
  await other.goto(testUrl);
  await expect(other.getByTestId("ab-comparisons")).toContainText("Accuracy");
  await expect(other.getByTestId("ab-verdicts")).toBeVisible();
  await expect(other.getByTestId("ab-test-controls")).toHaveCount(0);
  await otherContext.close();

  // Promote the winner: the test concludes and a production promotion of it waits for a second person.
  await page.getByTestId("ab-test-promote").click();
  await page.getByLabel("Reason").fill("e2e: the challenger is as accurate and cheaper");
  await page.getByTestId("ab-test-promote-confirm").click();
  await expect(page.getByTestId("ab-test-ended")).toContainText("winner was promoted", { timeout: 60_000 });
  const [decided] = await query<{ status: string; decision: string; evidence: { decidedBy: { id: string } } }>(
    `SELECT status, decision, evidence FROM "AbTest" WHERE id = $1`,
    [testId],
  );
  expect(decided).toMatchObject({ status: "CONCLUDED", decision: "PROMOTE" });
  expect(decided!.evidence.decidedBy.id).toBe(scientist.id);
  const after = await query<{ variantName: string; weight: number }>(
    `SELECT "variantName", weight FROM "EndpointVariant" WHERE "endpointId" = $1`,
    [endpoint!.id],
  );
  expect(after).toEqual([{ variantName: `fraud-detector-xgb-v${champion}`, weight: 100 }]);

  await page.getByTestId("ab-test-promotion-link").click();
  const card = page
    .locator('[data-testid="pending-promotion"]')
    .filter({ hasText: `fraud-detector-xgb v${challenger}` });
  await expect(card.getByTestId("promotion-ab-evidence")).toContainText(name);

  // A reviewer reads the evidence and turns the release down, so the endpoint keeps its champion for the other specs.
  await page.context().clearCookies();
  const reviewer = await createPerson("REVIEWER", "ab-flow-reviewer", "Fraud & Risk");
  await signInAs(page, reviewer.email);
  await page.goto("/approvals");
  const pending = page
    .locator('[data-testid="pending-promotion"]')
    .filter({ hasText: `fraud-detector-xgb v${challenger}` });
  await pending.getByTestId("reject-promotion").click();
  await page.getByLabel("Comment (optional)").fill("e2e: not this week");
  await page.getByTestId("decide-confirm").click();
  await expect(pending).toHaveCount(0);
});
