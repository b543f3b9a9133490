import { expect, test } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query } from "@/playwright/support/db";

// A data scientist scores a dataset with a version from its page: uploads a CSV, picks the key column, starts the
// job, watches its progress bar fill, opens the job and downloads the result, which joins back to the input by key.
// A viewer sees the jobs but cannot start one.
const MODEL = "fraud-detector-xgb";
const ROWS = 60_000;

async function latestOnnxVersion() {
  const [row] = await query<{ version: number; signature: { inputs: { name: string }[] } }>(
    `SELECT v.version, v.signature FROM "ModelVersion" v JOIN "RegisteredModel" m ON m.id = v."modelId"
     WHERE m.name = $1 AND v.format = 'ONNX' ORDER BY v.version DESC LIMIT 1`,
    [MODEL],
  );
  return row!;
}

function datasetCsv(inputs: string[]): Buffer {
  const lines = [`txn_id,${inputs.join(",")}\n`];
  for (let i = 0; i < ROWS; i++)
    lines.push(`e2e-${i},${inputs.map((_, f) => ((i * 31 + f * 17) % 500) / 10).join(",")}\n`);
  return Buffer.from(lines.join(""));
}

test("a data scientist starts a batch job, watches it progress, and downloads the result", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const scientist = await createPerson("DATA_SCIENTIST", "batcher");
  const { version, signature } = await latestOnnxVersion();
  const inputs = signature.inputs.map((input) => input.name);

  await signInAs(page, scientist.email);
  await page.goto(`/models/${MODEL}/versions/${version}`);
  await page.getByLabel("Dataset (CSV)").setInputFiles({
    name: "e2e transactions.csv",
    mimeType: "text/csv",
    buffer: datasetCsv(inputs),
  });
  await page.getByTestId("batch-upload-submit").click();
  const start = page.getByTestId("batch-start");
  await expect(start).toContainText("e2e-transactions.csv");
  await expect(start.getByRole("checkbox", { name: "txn_id" })).toBeChecked();
  await page.getByTestId("batch-start-submit").click();

  const job = page.getByTestId("batch-job").first();
  await expect(job.getByTestId("batch-progress")).toBeVisible();
  await expect(job.getByTestId("batch-status")).toHaveAttribute("data-status", "SUCCEEDED", { timeout: 120_000 });
  await expect(job.getByTestId("batch-progress")).toHaveAttribute("aria-valuenow", "100");
  await expect(job).toContainText(`${ROWS.toLocaleString("en-US")} rows scored`);

  await job.getByRole("link", { name: "e2e-transactions.csv" }).click();
  await expect(page).toHaveURL(/\/batch-jobs\//);
  await expect(page.getByTestId("batch-status")).toHaveAttribute("data-status", "SUCCEEDED");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("batch-download").click()]);
  const lines = (await readFile((await download.path())!, "utf8")).trimEnd().split("\n");
  expect(lines).toHaveLength(ROWS + 1);
  expect(lines[0]!.startsWith("txn_id,_row,")).toBe(true);
  expect(lines[0]!.endsWith(",_error")).toBe(true);
  for (const i of [0, 1, ROWS / 2, ROWS - 1]) {
    const [key, row, score] = lines[i + 1]!.split(",");
    expect([key, row]).toEqual([`e2e-${i}`, String(i + 1)]);
    expect(Number(score)).toBeGreaterThanOrEqual(0);
  }

  // A viewer reads the jobs but has no way to start one.
  const viewer = await createPerson("VIEWER", "batch-viewer");
  const viewerPage = await (await browser.newContext()).newPage();
  await signInAs(viewerPage, viewer.email);
  await viewerPage.goto(`/models/${MODEL}/versions/${version}`);
  await expect(viewerPage.getByTestId("batch-jobs")).toBeVisible();
  await expect(viewerPage.getByTestId("batch-upload")).toHaveCount(0);
});
