import { expect, test } from "@playwright/test";
import { signInAs } from "./support/auth";
import { createPerson, query } from "./support/db";

const RUNTIME_URL = `http://127.0.0.1:${process.env.E2E_RUNTIME_PORT ?? 8600}`;

test("a data scientist promotes a version, a reviewer approves it, and the deployment goes live", async ({ page, browser, baseURL }) => {
  const scientist = await createPerson("DATA_SCIENTIST", "promoter");
  const reviewer = await createPerson("REVIEWER", "approver");
  const [latest] = await query<{ version: number }>(
    `SELECT max(v.version) AS version FROM "ModelVersion" v JOIN "RegisteredModel" m ON m.id = v."modelId" WHERE m.name = 'fraud-detector-xgb'`,
  );
  const version = latest!.version;

  await signInAs(page, scientist.email);
  await page.goto(`/models/fraud-detector-xgb/versions/${version}`);
  await page.getByTestId("promote-version").click();
  await page.getByLabel("Environment").selectOption("PRODUCTION");
  await page.getByRole("radio", { name: /Canary/ }).check();
  await page.getByLabel("Canary share (%)").fill("50");
  await page.getByLabel("Bake time (seconds)").fill("2");
  await page.getByLabel("Reason").fill("Real ONNX model beats the model card");
  await page.getByTestId("promote-submit").click();
  await expect(page).toHaveURL(/\/approvals/);

  // The requester cannot approve their own promotion: there is no second person yet.
  const [promotion] = await query<{ id: string; status: string }>(
    `SELECT p.id, p.status FROM "Promotion" p WHERE p."requestedById" = $1`,
    [scientist.id],
  );
  expect(promotion!.status).toBe("PENDING_APPROVAL");
  await expect(page.getByTestId("approve-promotion")).toHaveCount(0);

  const reviewing = await browser.newContext({ baseURL });
  const reviewerPage = await reviewing.newPage();
  await signInAs(reviewerPage, reviewer.email);
  await reviewerPage.goto("/approvals");
  const card = reviewerPage.locator(`[data-testid="pending-promotion"][data-promotion-id="${promotion!.id}"]`);
  await expect(card).toContainText(`fraud-detector-xgb v${version}`);
  await card.getByTestId("approve-promotion").click();
  await reviewerPage.getByTestId("decide-confirm").click();
  await expect(reviewerPage).toHaveURL(/\/deployments\//);
  await reviewing.close();

  const [deployment] = await query<{ id: string }>(`SELECT id FROM "Deployment" WHERE "promotionId" = $1`, [promotion!.id]);
  await page.goto(`/deployments/${deployment!.id}`);
  await expect(page.getByTestId("deployment-status")).toHaveAttribute("data-status", "SUCCEEDED", { timeout: 60_000 });
  await expect(page.getByTestId("step-wait-healthy")).toHaveAttribute("data-outcome", "succeeded");
  await expect(page.getByTestId("step-bake:1")).toHaveAttribute("data-outcome", "succeeded");
  await expect(page.getByTestId(`traffic-fraud-detector-xgb-v${version}`)).toContainText("100");

  const [alias] = await query<{ version: number }>(
    `SELECT v.version FROM "ModelAlias" a JOIN "ModelVersion" v ON v.id = a."versionId" JOIN "RegisteredModel" m ON m.id = a."modelId"
     WHERE m.name = 'fraud-detector-xgb' AND a.alias = 'production'`,
  );
  expect(alias!.version).toBe(version);

  const [signature] = await query<{ signature: { inputs: { name: string }[] } }>(
    `SELECT v.signature FROM "ModelVersion" v JOIN "RegisteredModel" m ON m.id = v."modelId" WHERE m.name = 'fraud-detector-xgb' AND v.version = $1`,
    [version],
  );
  const row = Object.fromEntries(signature!.signature.inputs.map((input, i) => [input.name, i + 1]));
  const prediction = await page.request.post(`${RUNTIME_URL}/v1/endpoints/fraud-detector-xgb-production-local/predict`, { data: { row } });
  expect(prediction.status()).toBe(200);
  expect(await prediction.json()).toMatchObject({ variant: `fraud-detector-xgb-v${version}`, modelVersion: version });
});
