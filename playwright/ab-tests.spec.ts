import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query, uniqueSuffix } from "@/playwright/support/db";
import { servingVersion } from "@/playwright/support/deployments";

const ENDPOINT = "fraud-detector-xgb-production-local";

type StoredPlan = { requiredPerArm: Record<string, number>; baseline: number; baselineSource: string };

test("a data scientist sets up an A/B test from the endpoint with a live plan; a manager of another team reads it", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const scientist = await createPerson("DATA_SCIENTIST", "ab-scientist", "Fraud & Risk");
  const manager = await createPerson("MANAGER", "ab-manager", "Logistics");
  const champion = await servingVersion(ENDPOINT);
  const [endpoint] = await query<{ id: string }>(`SELECT id FROM "Endpoint" WHERE name = $1`, [ENDPOINT]);
  const name = `e2e ab ${uniqueSuffix()}`;

  await signInAs(page, scientist.email);
  await page.goto(`/endpoints/${endpoint!.id}`);
  await page.getByTestId("endpoint-new-ab-test").click();
  await expect(page.getByTestId("ab-champion")).toContainText(`v${champion}`);
  await page.getByLabel("Test name").fill(name);

  // Bad input first: the challenger asks for all the traffic, so the champion would keep none.
  await page.getByLabel("Challenger 1 traffic %").fill("100");
  await page.getByTestId("ab-test-submit").click();
  await expect(page.getByTestId("ab-challengers-error")).toContainText("1–99 % of the traffic");
  expect(await query(`SELECT 1 FROM "AbTest" WHERE name = $1`, [name])).toHaveLength(0);

  await page.getByLabel("Challenger 1 traffic %").fill("20");
  await expect(page.getByTestId("ab-champion")).toContainText("80 %");
  await page.getByLabel("Smallest effect worth detecting").fill("0.05");
  await page.getByLabel("Baseline rate (optional)").fill("0.8");
  const preview = page.getByTestId("ab-preview");
  await expect(preview.getByTestId("pre-registration-arms")).toContainText("Sample needed");
  await expect(preview.getByTestId("pre-registration-baseline")).toContainText("80.0 %");
  const previewed = await preview.getByTestId("pre-registration-arms").textContent();

  await page.getByTestId("ab-test-submit").click();
  await expect(page).toHaveURL(/\/ab-tests\/(?!new)[^/?]+$/);
  await expect(page.getByTestId("ab-test-planned")).toBeVisible();
  const [stored] = await query<{ preRegistration: StoredPlan }>(
    `SELECT "preRegistration" FROM "AbTest" WHERE name = $1`,
    [name],
  );
  expect(stored!.preRegistration).toMatchObject({ baseline: 0.8, baselineSource: "entered" });
  const arms = page.getByTestId("pre-registration-arms");
  for (const required of Object.values(stored!.preRegistration.requiredPerArm))
    await expect(arms).toContainText(required.toLocaleString("en"));
  // The plan the form previewed is the plan that was recorded.
  expect(await arms.textContent()).toBe(previewed);
  const testUrl = page.url();

  // A manager of another team reads the test but cannot set one up.
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signInAs(other, manager.email);
  await other.goto("/ab-tests");
  await expect(other.getByTestId("new-ab-test")).toHaveCount(0);
  await other.getByTestId("ab-tests-search").fill(name);
  await expect(other).toHaveURL(/[?&]q=/);
  await expect(other.getByTestId("ab-tests-table").getByRole("row")).toHaveCount(2);
  await other.getByRole("link", { name }).click();
  await expect(other).toHaveURL(testUrl);
  await expect(other.getByTestId("pre-registration")).toContainText("Accuracy");
  await other.goto(`/ab-tests/new?endpoint=${encodeURIComponent(endpoint!.id)}`);
  await expect(other.getByText("Read only")).toBeVisible();
  await otherContext.close();
});
