import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query } from "@/playwright/support/db";
import { servingVersion } from "@/playwright/support/deployments";

const RUNTIME_URL = `http://127.0.0.1:${process.env.E2E_RUNTIME_PORT ?? 8600}`;

const ENDPOINT = "fraud-detector-xgb-production-local";

test("a data scientist promotes a version, a reviewer approves it, the deployment goes live, and the scientist predicts and rolls back", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(240_000);
  const scientist = await createPerson("DATA_SCIENTIST", "promoter");
  const reviewer = await createPerson("REVIEWER", "approver");
  const [latest] = await query<{ version: number }>(
    `SELECT max(v.version) AS version FROM "ModelVersion" v JOIN "RegisteredModel" m ON m.id = v."modelId" WHERE m.name = 'fraud-detector-xgb'`,
  );
  const version = latest!.version;
  const previous = await servingVersion(ENDPOINT);
  expect(previous).toBeLessThan(version);

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
  // The seeded golden-set gate runs on the real runtime first; the logistic regression is not worse than the GBT.
  await expect(card.getByTestId("promotion-gate-status")).toContainText("passed", { timeout: 120_000 });
  await card.getByTestId("approve-promotion").click();
  await reviewerPage.getByTestId("decide-confirm").click();
  await expect(reviewerPage).toHaveURL(/\/deployments\//);
  await reviewing.close();

  const [deployment] = await query<{ id: string }>(`SELECT id FROM "Deployment" WHERE "promotionId" = $1`, [
    promotion!.id,
  ]);
  await page.goto(`/deployments/${deployment!.id}`);
  // Nobody predicts on the endpoint during the bake, so it cannot judge the canary: it extends, then asks.
  const decision = page.getByTestId("rollout-decision");
  await expect(decision).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("rollout-question")).toContainText("at least 20 are needed to judge it");
  await expect(page.getByTestId("step-bake:1")).toHaveAttribute("data-outcome", "waiting");
  await decision.getByLabel("Reason").fill("No traffic on this endpoint yet; checked offline");
  await page.getByTestId("rollout-continue").click();
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
  const prediction = await page.request.post(`${RUNTIME_URL}/v1/endpoints/${ENDPOINT}/predict`, { data: { row } });
  expect(prediction.status()).toBe(200);
  expect(await prediction.json()).toMatchObject({ variant: `fraud-detector-xgb-v${version}`, modelVersion: version });

  // From the deployment to its endpoint: send a prediction from the page, then roll back to the seeded version.
  await page.getByTestId("deployment-endpoint").click();
  await expect(page).toHaveURL(/\/endpoints\//);
  await expect(page.getByTestId("endpoint-name")).toHaveText(ENDPOINT);
  await expect(page.getByTestId("endpoint-variant")).toHaveAttribute("data-version", String(version));
  const input = page.getByTestId("prediction-input");
  await expect(input).toHaveValue(new RegExp(`"${signature!.signature.inputs[0]!.name}"`));
  await input.press("Control+Enter");
  const result = page.getByTestId("prediction-result");
  await expect(result.getByTestId("prediction-variant")).toContainText(`fraud-detector-xgb-v${version}`);
  await expect(result.getByTestId("prediction-score").first()).toHaveText(/^-?\d/);
  await expect(result.getByTestId("prediction-id")).toHaveText(/^[0-9a-f-]{36}$/);

  // Why it answered that: the explanation of the row just sent, by the variant that served it, is the runtime's own.
  const sent = JSON.parse(await input.inputValue()) as Record<string, number>;
  await page.getByTestId("explain-submit").click();
  const explanation = page.getByTestId("explanation");
  await expect(explanation.getByTestId("attribution-value")).toHaveCount(signature!.signature.inputs.length);
  const direct = await page.request.post(`${RUNTIME_URL}/v1/endpoints/${ENDPOINT}/explain`, {
    data: { row: sent, variant: `fraud-detector-xgb-v${version}` },
  });
  expect(direct.status()).toBe(200);
  const [truth] = (
    (await direct.json()) as { explanations: { output: number; expectedValue: number; method: string }[] }
  ).explanations;
  const methods: Record<string, string> = {
    "tree-shap-path-dependent": "TreeSHAP (path-dependent)",
    "linear-shap": "Linear SHAP",
  };
  await expect(explanation.getByTestId("explanation-method")).toHaveText(methods[truth!.method]!);
  await expect(explanation.getByTestId("explanation-output")).toHaveText(truth!.output.toPrecision(4));
  await expect(explanation.getByTestId("explanation-expected")).toHaveText(truth!.expectedValue.toPrecision(4));

  await input.fill(JSON.stringify({ ...row, [signature!.signature.inputs[0]!.name]: "lots" }));
  await page.getByTestId("prediction-submit").click();
  await expect(page.locator('[id^="prediction-rows-"][id$="-error"]')).toContainText(
    `"${signature!.signature.inputs[0]!.name}"`,
  );

  await expect(page.getByTestId("rollback-bar")).toContainText(`v${previous}`);
  await page.getByTestId("rollback-endpoint").click();
  await page.getByLabel("Reason").fill("Scores look off after the release");
  await page.getByTestId("rollback-confirm").click();
  await expect(page).toHaveURL(/\/deployments\//);
  await expect(page.getByTestId("deployment-status")).toHaveAttribute("data-status", "SUCCEEDED", { timeout: 60_000 });

  const variants = await query<{ version: number; weight: number }>(
    `SELECT v.version, ev.weight FROM "EndpointVariant" ev JOIN "Endpoint" e ON e.id = ev."endpointId" JOIN "ModelVersion" v ON v.id = ev."versionId" WHERE e.name = $1`,
    [ENDPOINT],
  );
  expect(variants).toEqual([{ version: previous, weight: 100 }]);
  const audits = await query<{
    actorId: string;
    before: { version: number };
    after: { version: number; reason: string };
  }>(
    `SELECT a."actorId", a.before, a.after FROM "AuditLog" a JOIN "Endpoint" e ON e.id = a."entityId" WHERE a.action = 'endpoint.rollback' AND e.name = $1`,
    [ENDPOINT],
  );
  expect(audits).toEqual([
    {
      actorId: scientist.id,
      before: { version },
      after: expect.objectContaining({ version: previous, reason: "Scores look off after the release" }),
    },
  ]);
});
