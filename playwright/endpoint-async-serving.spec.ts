import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query, uniqueSuffix } from "@/playwright/support/db";

// A data scientist of the owning team turns a SageMaker endpoint asynchronous from its page (a bad scaling bound is
// refused on its field and nothing is saved), and back to real time; a viewer sees the mode but cannot change it.
// The endpoint row is the test's own: no SageMaker account runs here, and the setting applies at its next deployment.
const LOCAL_ENDPOINT = "fraud-detector-xgb-staging-local";

const servingOf = async (id: string) =>
  (await query<{ serving: unknown }>(`SELECT "asyncServing" AS serving FROM "Endpoint" WHERE id = $1`, [id]))[0]!
    .serving;

async function sageMakerEndpoint(): Promise<string> {
  const id = `e2e_sm_${uniqueSuffix()}`;
  await query(
    `INSERT INTO "Endpoint"(id, name, "modelId", environment, target, "updatedAt")
     SELECT $1, $2, "modelId", 'STAGING', 'SAGEMAKER', now() FROM "Endpoint" WHERE name = $3
     ON CONFLICT ("modelId", environment, target) DO NOTHING`,
    [id, `fraud-detector-xgb-staging-sm-${uniqueSuffix()}`, LOCAL_ENDPOINT],
  );
  const [row] = await query<{ id: string }>(
    `SELECT e.id FROM "Endpoint" e JOIN "Endpoint" l ON l."modelId" = e."modelId"
     WHERE l.name = $1 AND e.environment = 'STAGING' AND e.target = 'SAGEMAKER'`,
    [LOCAL_ENDPOINT],
  );
  await query(`UPDATE "Endpoint" SET "asyncServing" = NULL WHERE id = $1`, [row!.id]);
  return row!.id;
}

test("a data scientist turns a SageMaker endpoint asynchronous and back from its page", async ({ page, browser }) => {
  const id = await sageMakerEndpoint();
  const scientist = await createPerson("DATA_SCIENTIST", "queuer", "Fraud & Risk");
  await signInAs(page, scientist.email);
  await page.goto(`/endpoints/${id}`);

  const form = page.getByTestId("endpoint-async-serving-form");
  const fewest = form.getByLabel("Fewest instances");
  await expect(fewest).toBeDisabled();
  await form.getByLabel(/Serve asynchronously/).check();
  await fewest.fill("3");
  await form.getByLabel("Most instances").fill("1");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByText("The fewest instances cannot exceed the most")).toBeVisible();
  await expect(fewest).toHaveAttribute("aria-invalid", "true");
  expect(await servingOf(id)).toBeNull();

  await fewest.fill("0");
  await form.getByLabel("Most instances").fill("2");
  await form.getByLabel("Queued requests per instance").fill("8");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toContainText("next deployment or rollback applies it");
  expect(await servingOf(id)).toEqual({
    maxConcurrentInvocationsPerInstance: 4,
    invocationTimeoutSeconds: 900,
    scaling: { minInstances: 0, maxInstances: 2, backlogPerInstance: 8 },
  });

  const viewer = await createPerson("VIEWER", "queue-viewer", "Fraud & Risk");
  const viewerPage = await (await browser.newContext()).newPage();
  await signInAs(viewerPage, viewer.email);
  await viewerPage.goto(`/endpoints/${id}`);
  const seen = viewerPage.getByTestId("endpoint-async-serving-form");
  await expect(seen.getByLabel(/Serve asynchronously/)).toBeChecked();
  await expect(seen.getByLabel(/Serve asynchronously/)).toBeDisabled();
  await expect(seen.getByLabel("Queued requests per instance")).toHaveValue("8");
  await expect(seen.getByRole("button", { name: "Save" })).toHaveCount(0);

  await form.getByLabel(/Serve asynchronously/).uncheck();
  await form.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => servingOf(id)).toBeNull();
  // The row was this test's own: other specs read the real endpoints only.
  await query(`DELETE FROM "Endpoint" WHERE id = $1`, [id]);
});
