import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query } from "@/playwright/support/db";
import { servingVersion } from "@/playwright/support/deployments";

// A data scientist of the owning team lets an endpoint of the local runtime scale to zero after an idle time from
// its page, sees the runtime take it, and turns it off again; a viewer sees the setting but cannot change it.
const ENDPOINT = "fraud-detector-xgb-staging-local";

const idleSeconds = async () =>
  (
    await query<{ seconds: number | null }>(
      `SELECT "scaleToZeroIdleSeconds" AS seconds FROM "Endpoint" WHERE name = $1`,
      [ENDPOINT],
    )
  )[0]!.seconds;

test("a data scientist turns scale to zero on and off from the endpoint page", async ({ page, browser }) => {
  await servingVersion(ENDPOINT);
  const [endpoint] = await query<{ id: string }>(`SELECT id FROM "Endpoint" WHERE name = $1`, [ENDPOINT]);
  const id = endpoint!.id;
  const scientist = await createPerson("DATA_SCIENTIST", "sleeper", "Fraud & Risk");
  await signInAs(page, scientist.email);
  await page.goto(`/endpoints/${id}`);

  const form = page.getByTestId("endpoint-scale-to-zero-form");
  const minutes = form.getByLabel("Idle time before scaling to zero (minutes)");
  await expect(minutes).toBeDisabled();
  await form.getByLabel("Scale to zero when idle").check();
  await minutes.fill("0");
  await form.getByRole("button", { name: "Save" }).click();
  // The browser's own check stops it (the field's minimum); nothing is saved.
  expect(await minutes.evaluate((input: HTMLInputElement) => input.validity.rangeUnderflow)).toBe(true);
  expect(await idleSeconds()).toBeNull();

  await minutes.fill("45");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved; the runtime uses it now.");
  expect(await idleSeconds()).toBe(45 * 60);

  const viewer = await createPerson("VIEWER", "sleep-viewer", "Fraud & Risk");
  const viewerPage = await (await browser.newContext()).newPage();
  await signInAs(viewerPage, viewer.email);
  await viewerPage.goto(`/endpoints/${id}`);
  const seen = viewerPage.getByTestId("endpoint-scale-to-zero-form");
  await expect(seen.getByLabel("Idle time before scaling to zero (minutes)")).toHaveValue("45");
  await expect(seen.getByLabel("Scale to zero when idle")).toBeDisabled();
  await expect(seen.getByRole("button", { name: "Save" })).toHaveCount(0);
  // The page has refetched the endpoint since: the form follows it and still says what was saved.
  await expect(form.getByRole("status")).toHaveText("Saved; the runtime uses it now.");
  await expect(form.getByLabel("Scale to zero when idle")).toBeChecked();

  await page.reload();
  await form.getByLabel("Scale to zero when idle").uncheck();
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved; the runtime uses it now.");
  expect(await idleSeconds()).toBeNull();
});
