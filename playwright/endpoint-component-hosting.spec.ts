import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query, uniqueSuffix } from "@/playwright/support/db";

// A data scientist of the owning team hosts a SageMaker endpoint as inference components from its page (a bad bound
// is refused on its field and nothing is saved), then back on dedicated instances; a viewer sees it but cannot change
// it. The endpoint row is the test's own and serves nothing: no SageMaker account runs here, and the setting applies
// at its next deployment.
const LOCAL_ENDPOINT = "fraud-detector-xgb-staging-local";

const hostingOf = async (id: string) =>
  (await query<{ hosting: unknown }>(`SELECT "componentHosting" AS hosting FROM "Endpoint" WHERE id = $1`, [id]))[0]!
    .hosting;

async function sageMakerEndpoint(): Promise<string> {
  await query(
    `INSERT INTO "Endpoint"(id, name, "modelId", environment, target, "updatedAt")
     SELECT $1, $2, "modelId", 'PRODUCTION', 'SAGEMAKER', now() FROM "Endpoint" WHERE name = $3
     ON CONFLICT ("modelId", environment, target) DO NOTHING`,
    [`e2e_ic_${uniqueSuffix()}`, `fraud-detector-xgb-production-ic-${uniqueSuffix()}`, LOCAL_ENDPOINT],
  );
  const [row] = await query<{ id: string }>(
    `SELECT e.id FROM "Endpoint" e JOIN "Endpoint" l ON l."modelId" = e."modelId"
     WHERE l.name = $1 AND e.environment = 'PRODUCTION' AND e.target = 'SAGEMAKER'`,
    [LOCAL_ENDPOINT],
  );
  await query(`UPDATE "Endpoint" SET "componentHosting" = NULL, "asyncServing" = NULL WHERE id = $1`, [row!.id]);
  return row!.id;
}

test("a data scientist hosts a SageMaker endpoint as inference components and back", async ({ page, browser }) => {
  const id = await sageMakerEndpoint();
  const scientist = await createPerson("DATA_SCIENTIST", "hoster", "Fraud & Risk");
  await signInAs(page, scientist.email);
  await page.goto(`/endpoints/${id}`);

  const form = page.getByTestId("endpoint-component-hosting-form");
  await form.getByLabel(/Host as an inference component/).check();
  await form.getByLabel("Fewest instances").fill("3");
  await form.getByLabel("Most instances").fill("2");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByText("The fewest instances cannot exceed the most")).toBeVisible();
  expect(await hostingOf(id)).toBeNull();

  await form.getByLabel("Fewest instances").fill("0");
  await form.getByLabel("Memory per copy (MB)").fill("2048");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toContainText("next deployment applies it");
  await expect
    .poll(() => hostingOf(id))
    .toEqual({
      instanceType: "ml.m5.large",
      minInstances: 0,
      maxInstances: 2,
      cpuCores: 1,
      memoryMb: 2048,
      scaleToZero: { maxCopies: 2, invocationsPerCopy: 100 },
    });

  const viewer = await createPerson("VIEWER", "hosting-reader", "Fraud & Risk");
  const viewerPage = await browser.newPage();
  await signInAs(viewerPage, viewer.email);
  await viewerPage.goto(`/endpoints/${id}`);
  const seen = viewerPage.getByTestId("endpoint-component-hosting-form");
  await expect(seen.getByLabel(/Host as an inference component/)).toBeChecked();
  await expect(seen.getByLabel(/Host as an inference component/)).toBeDisabled();
  await expect(seen.getByLabel("Memory per copy (MB)")).toHaveValue("2048");
  await expect(seen.getByRole("button", { name: "Save" })).toHaveCount(0);

  await form.getByLabel(/Host as an inference component/).uncheck();
  await form.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => hostingOf(id)).toBeNull();
  // The row was this test's own: other specs read the real endpoints only.
  await query(`DELETE FROM "Endpoint" WHERE id = $1`, [id]);
});
