import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { cliFor } from "@/playwright/support/cli";
import { createPerson, query, uniqueSuffix } from "@/playwright/support/db";
import { servingVersion } from "@/playwright/support/deployments";
import { MODEL_SIZES, signatureFor } from "@/training/catalog";
import { splitDataset } from "@/training/dataset";
import { generateDeliveries } from "@/training/delivery-data";
import { trainGradientBoosting } from "@/training/gradient-boosting";
import { exportBoostedTrees } from "@/training/onnx-export";

const MODEL = "delivery-time-estimator";
const ENDPOINT = `${MODEL}-production-local`;
const TEAM = "Logistics";

/**
 * A deliberately under-trained delivery model: two depth-1 trees on the same synthetic orders the seeded champion
 * learnt from with 150 depth-4 trees. It barely moves off the mean, so its MAE on the seeded golden set is far worse.
 */
function underTrainedModel(directory: string) {
  const { train } = splitDataset(generateDeliveries(MODEL_SIZES.deliveryRows), MODEL_SIZES.trainFraction);
  const trees = trainGradientBoosting(train, {
    loss: "squared",
    trees: 2,
    learningRate: 0.1,
    maxDepth: 1,
    lambda: 1,
    minSamplesLeaf: 20,
    minHessianLeaf: 1,
    maxBins: 16,
    subsample: 1,
    seed: 5,
  });
  const modelFile = path.join(directory, "model.onnx");
  writeFileSync(modelFile, exportBoostedTrees(trees, "delivery_minutes", "e2e under-trained delivery model"));
  const signatureFile = path.join(directory, "signature.json");
  writeFileSync(signatureFile, JSON.stringify(signatureFor(train.featureNames, "delivery_minutes")));
  return { modelFile, signatureFile };
}

test("a data scientist's production promotion is blocked by the golden-set gate, and another approver's override lets it through with a reason", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(300_000);
  const scientist = await createPerson("DATA_SCIENTIST", "gate-requester", TEAM);
  const approver = await createPerson("MANAGER", "gate-approver", TEAM);
  // The champion: the seeded GBT model, live in production once the worker has deployed it.
  const champion = await servingVersion(ENDPOINT);
  await expect
    .poll(async () => {
      const [alias] = await query<{ version: number }>(
        `SELECT v.version FROM "ModelAlias" a JOIN "ModelVersion" v ON v.id = a."versionId" JOIN "RegisteredModel" m ON m.id = a."modelId"
         WHERE m.name = $1 AND a.alias = 'production'`,
        [MODEL],
      );
      return alias?.version;
    })
    .toBe(champion);

  // The scientist registers the under-trained candidate through the CLI, as a training pipeline would.
  await signInAs(page, scientist.email);
  await page.goto("/settings/tokens");
  await page.getByTestId("token-name").fill("gate pipeline");
  await page.getByTestId("scope-runs:write").check();
  await page.getByTestId("scope-models:write").check();
  await page.getByTestId("create-token").click();
  const secret = (await page.getByTestId("token-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^mp_/);
  const { modelFile, signatureFile } = underTrainedModel(mkdtempSync(path.join(tmpdir(), "modelport-gate-")));
  const cli = cliFor();
  await cli("login", "--url", baseURL!, "--token", secret);
  const runId = await cli("runs", "create", "--experiment", `e2e-gate-${uniqueSuffix()}`, "--name", "two-stumps");
  await cli("artifacts", "upload", runId, modelFile, "--path", "model.onnx");
  await cli("runs", "finish", runId, "--status", "FINISHED");
  const version = Number(
    await cli(
      "models",
      "register",
      MODEL,
      "--run",
      runId,
      "--artifact",
      "model.onnx",
      "--format",
      "onnx",
      "--signature",
      signatureFile,
      "--description",
      "Two depth-1 trees: stopped early",
    ),
  );
  expect(version).toBeGreaterThan(champion);

  // The scientist asks for production; the gate runs on the seeded golden set and fails.
  await page.goto(`/models/${MODEL}/versions/${version}`);
  await page.getByTestId("promote-version").click();
  await page.getByLabel("Environment").selectOption("PRODUCTION");
  await page.getByLabel("Reason").fill("Faster to train; should be as good");
  await page.getByTestId("promote-submit").click();
  await expect(page).toHaveURL(/\/approvals/);
  const [promotion] = await query<{ id: string; status: string; gateEvaluationId: string | null }>(
    `SELECT p.id, p.status, p."gateEvaluationId" FROM "Promotion" p WHERE p."requestedById" = $1`,
    [scientist.id],
  );
  expect(promotion!.status).toBe("PENDING_APPROVAL");
  const mine = page.locator(`[data-testid="pending-promotion"][data-promotion-id="${promotion!.id}"]`);
  await expect(mine.getByTestId("promotion-gate-status")).toContainText("failed", { timeout: 120_000 });
  // The requester may neither approve nor override their own promotion.
  await expect(mine.getByTestId("approve-promotion")).toHaveCount(0);
  await expect(mine.getByTestId("override-gate")).toHaveCount(0);
  // The version page says why, with the gate's numbers.
  await page.goto(`/models/${MODEL}/versions/${version}`);
  const result = page.getByTestId("gate-result");
  await expect(result).toContainText(`v${version} vs champion v${champion}`);
  await expect(result).toContainText("golden set “demo-holdout” v1 (1000");
  await expect(result.getByText("mae").first()).toBeVisible();
  await expect(result).toContainText(/FAIL/i);

  const [evaluation] = await query<{
    status: string;
    metrics: { metric: string; candidate: number; champion: number; verdict: string }[];
  }>(
    `SELECT e.status, e.metrics FROM "GateEvaluation" e JOIN "ModelVersion" v ON v.id = e."candidateVersionId"
     JOIN "RegisteredModel" m ON m.id = v."modelId" WHERE m.name = $1 AND v.version = $2`,
    [MODEL, version],
  );
  expect(evaluation!.status).toBe("FAILED");
  const mae = evaluation!.metrics.find((m) => m.metric === "mae")!;
  expect(mae.verdict).toBe("FAIL");
  expect(mae.candidate).toBeGreaterThan(mae.champion + 0.5);

  // Another person of the team: a plain approval is refused because of the gate; an override with a reason passes.
  const approving = await browser.newContext({ baseURL });
  const approverPage = await approving.newPage();
  await signInAs(approverPage, approver.email);
  await approverPage.goto("/approvals");
  const card = approverPage.locator(`[data-testid="pending-promotion"][data-promotion-id="${promotion!.id}"]`);
  await expect(card).toContainText(`${MODEL} v${version}`);
  await expect(card.getByTestId("promotion-gate-status")).toContainText("failed");
  await card.getByTestId("approve-promotion").click();
  await approverPage.getByTestId("decide-confirm").click();
  await expect(approverPage.getByTestId("decide-error")).toContainText("golden-set gate FAILED");
  await approverPage.keyboard.press("Escape");
  const [stillPending] = await query<{ status: string }>(`SELECT status FROM "Promotion" WHERE id = $1`, [
    promotion!.id,
  ]);
  expect(stillPending!.status).toBe("PENDING_APPROVAL");

  await card.getByTestId("override-gate").click();
  const reason = "Known regression on long trips; accepted for the rush-hour experiment";
  await approverPage.getByLabel("Reason").fill(reason);
  await approverPage.getByTestId("override-confirm").click();
  await expect(card).toHaveCount(0);
  await approving.close();

  const [decided] = await query<{ status: string; overridesGate: boolean; approverId: string; comment: string }>(
    `SELECT p.status, a."overridesGate", a."approverId", a.comment FROM "Promotion" p JOIN "Approval" a ON a."promotionId" = p.id
     WHERE p.id = $1`,
    [promotion!.id],
  );
  expect(decided).toMatchObject({ overridesGate: true, approverId: approver.id, comment: reason });
  expect(decided!.status).toMatch(/^(APPROVED|DEPLOYING|SUCCEEDED)$/);
  const audits = await query<{ actorId: string; after: { reason: string } }>(
    `SELECT "actorId", after FROM "AuditLog" WHERE action = 'promotion.gate-override' AND "entityId" = $1`,
    [promotion!.id],
  );
  expect(audits).toEqual([{ actorId: approver.id, after: expect.objectContaining({ reason }) }]);
  const deployments = await query<{ id: string }>(`SELECT id FROM "Deployment" WHERE "promotionId" = $1`, [
    promotion!.id,
  ]);
  expect(deployments).toHaveLength(1);
});

test("a data scientist sees the seeded gate rule, is warned when the golden set is too small for a margin, and sees how many accepted labels could be frozen", async ({
  page,
}) => {
  const scientist = await createPerson("DATA_SCIENTIST", "gate-rule-editor");
  await signInAs(page, scientist.email);
  await page.goto("/models/fraud-detector-xgb");
  const form = page.getByTestId("gate-rule-form");
  await expect(form.getByLabel("Golden set")).toHaveValue("demo-holdout");
  const criteria = form.getByTestId("gate-criterion");
  await expect(criteria).toHaveCount(2);
  await expect(criteria.first().getByLabel("Metric")).toHaveValue("accuracy");
  await expect(criteria.first().getByLabel("Non-inferiority margin")).toHaveValue("0.01");
  const second = criteria.nth(1);
  await expect(second.getByLabel("Metric")).toHaveValue("recall");
  await expect(second.getByLabel("Class")).toHaveValue("legit");

  // Other specs promote this model to production, and each promotion's gate evaluation measures the seeded criteria's
  // intervals, which then replace the worst case. No evaluation measures legit precision (the seeded rule asks for
  // accuracy and legit recall), so its interval is the worst case for the golden set's legit rows, whatever ran before.
  const [legit] = await query<{ rows: number }>(
    `SELECT count(*)::int AS rows FROM "GoldenSetRow" r JOIN "GoldenSet" g ON g.id = r."goldenSetId"
     JOIN "RegisteredModel" m ON m.id = g."modelId"
     WHERE m.name = 'fraud-detector-xgb' AND g.name = 'demo-holdout' AND r."expectedLabel" = 'legit'`,
  );
  await second.getByLabel("Metric").selectOption("precision");
  const margin = second.getByLabel("Non-inferiority margin");
  await expect(margin).toHaveValue("0.01");
  // The worst-case interval for the ~1,450 legit rows (±0.036) is wider than a margin of 0.01…
  await expect(second.getByTestId("gate-too-small")).toContainText(`worst case for ${legit!.rows} rows`);
  // …but not than 0.05.
  await margin.fill("0.05");
  await expect(second.getByTestId("gate-too-small")).toHaveCount(0);

  // Other specs (labels-review) may have accepted labels on this model's queues: the preview counts what the DB holds.
  const [row] = await query<{ accepted: number }>(
    `SELECT count(*)::int AS accepted FROM "LabelItem" i JOIN "LabelQueue" q ON q.id = i."queueId"
     JOIN "RegisteredModel" m ON m.id = q."modelId" WHERE m.name = 'fraud-detector-xgb' AND i.status = 'ACCEPTED'`,
  );
  const accepted = row?.accepted ?? 0;
  const freeze = page.getByTestId("golden-set-freeze");
  if (accepted === 0) {
    await expect(freeze.getByTestId("freeze-preview")).toContainText("No accepted labels match");
    await expect(freeze.getByTestId("freeze-submit")).toHaveCount(0);
  } else {
    await expect(freeze.getByTestId("freeze-preview")).toContainText(`${accepted} accepted label`);
  }
});
