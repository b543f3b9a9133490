import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { cliFor } from "@/playwright/support/cli";
import { createPerson, query, uniqueSuffix } from "@/playwright/support/db";
import { buildLinearScorer } from "@/training/linear-scorer";

test("a run logged and a version registered through the CLI appear in the UI", async ({ page, baseURL }) => {
  const scientist = await createPerson("DATA_SCIENTIST", "scientist");
  const suffix = uniqueSuffix();
  await signInAs(page, scientist.email);

  await page.goto("/settings/tokens");
  await page.getByTestId("token-name").fill("training pipeline");
  await page.getByTestId("scope-runs:write").check();
  await page.getByTestId("scope-models:write").check();
  await page.getByTestId("create-token").click();
  const secret = (await page.getByTestId("token-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^mp_/);

  const work = mkdtempSync(path.join(tmpdir(), "modelport-e2e-"));
  const metricsFile = path.join(work, "metrics.jsonl");
  const lines = Array.from({ length: 150 }, (_, step) => [
    JSON.stringify({ key: "val_auc", value: 0.6 + 0.3 * (1 - Math.exp(-step / 30)), step }),
    JSON.stringify({ key: "train_loss", value: 0.7 * Math.exp(-step / 40) + 0.05, step }),
  ]).flat();
  writeFileSync(metricsFile, lines.join("\n") + "\n");
  const modelFile = path.join(work, "model.onnx");
  writeFileSync(
    modelFile,
    buildLinearScorer({
      inputs: [
        { name: "amount", type: "float32" },
        { name: "hour", type: "float32" },
      ],
      outputName: "probability",
      link: "sigmoid",
      rank: 2,
      seed: Date.now() % 2 ** 31,
      docString: "e2e test model",
    }),
  );

  const cli = cliFor();
  await cli("login", "--url", baseURL!, "--token", secret);
  const runId = await cli(
    "runs",
    "create",
    "--experiment",
    `e2e-experiment-${suffix}`,
    "--name",
    `e2e-run-${suffix}`,
    "--git-commit",
    "0123abcd",
  );
  await cli(
    "runs",
    "log",
    runId,
    "--param",
    "max_depth=6",
    "--param",
    "learning_rate=0.05",
    "--metrics-file",
    metricsFile,
  );
  await cli("artifacts", "upload", runId, modelFile, "--path", "model.onnx");
  await cli("runs", "finish", runId, "--status", "FINISHED");
  const version = await cli(
    "models",
    "register",
    `e2e-model-${suffix}`,
    "--run",
    runId,
    "--artifact",
    "model.onnx",
    "--format",
    "onnx",
    "--create",
    "--team",
    "Fraud & Risk",
    "--task",
    "classification",
  );
  expect(version).toBe("1");

  const [points] = await query<{ count: string }>(
    `SELECT count(*) FROM "MetricPoint" p JOIN "MetricSeries" s ON s.id = p."seriesId" WHERE s."runId" = $1`,
    [runId],
  );
  expect(Number(points?.count)).toBe(300);

  await page.goto(`/models?q=e2e-model-${suffix}`);
  await page.getByRole("link", { name: `e2e-model-${suffix}` }).click();
  await expect(page.getByTestId("model-name")).toHaveText(`e2e-model-${suffix}`);
  const row = page.getByTestId("version-row").first();
  await expect(row).toContainText(`e2e-run-${suffix}`);
  await row.getByRole("link", { name: `e2e-run-${suffix}` }).click();

  await expect(page).toHaveURL(new RegExp(`/runs/${runId}$`));
  await expect(page.getByRole("heading", { name: `e2e-run-${suffix}` })).toBeVisible();
  await expect(page.getByText("max_depth")).toBeVisible();
  await expect(page.getByText("val_auc").first()).toBeVisible();
  await expect(page.getByText("model.onnx").first()).toBeVisible();
});

test("a data scientist compares three runs and shares the link", async ({ page, browser, baseURL }) => {
  const scientist = await createPerson("DATA_SCIENTIST", "comparer");
  await signInAs(page, scientist.email);
  const [experiment] = await query<{ id: string }>(
    `SELECT id FROM "Experiment" WHERE name = 'fraud-detector-xgb-training'`,
  );
  await page.goto(`/experiments/${experiment!.id}`);

  const checkboxes = page.getByRole("checkbox", { name: /^Select run / });
  await expect(checkboxes.first()).toBeVisible();
  const names: string[] = [];
  for (let i = 0; i < 3; i++) {
    const box = checkboxes.nth(i);
    names.push(((await box.getAttribute("aria-label")) ?? "").replace("Select run ", ""));
    await box.check();
  }
  await page.getByRole("link", { name: "Compare 3 runs" }).click();
  await expect(page).toHaveURL(/\/experiments\/compare\?.*runs=/);
  await expect(page.getByTestId("curve-val_auc")).toBeVisible();
  // The curves arrive as the binary stream sized to the chart: a drawn line per run that logged the metric once it has
  // ended (of the three newest runs, the two that trained the demo ONNX models log no val_auc).
  await expect(page.getByTestId("curves-progress")).toHaveText(/KB of curves/);
  await expect(page.getByTestId("curve-val_auc").locator("[data-drawn-curves]")).toHaveAttribute(
    "data-drawn-curves",
    "1",
  );
  for (const name of names) await expect(page.getByText(name).first()).toBeVisible();
  const shared = page.url();

  // Someone else opens the shared link and sees the same comparison.
  const colleague = await createPerson("VIEWER", "colleague");
  const context = await browser.newContext({ baseURL });
  const other = await context.newPage();
  await signInAs(other, colleague.email);
  await other.goto(shared);
  await expect(other.getByTestId("curve-val_auc")).toBeVisible();
  for (const name of names) await expect(other.getByText(name).first()).toBeVisible();
  await other.getByTestId("differences-only").check();
  await expect(other).toHaveURL(/diff=1/);
  await context.close();
});
