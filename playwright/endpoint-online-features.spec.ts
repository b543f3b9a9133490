import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query } from "@/playwright/support/db";
import { servingVersion } from "@/playwright/support/deployments";

// A data scientist of the owning team makes an endpoint look up the demo card-activity features by card id (and
// compute the hour from the transaction's time), declares a fallback rule, sends a prediction with only the card's id
// and the transaction's own fields, and sees where the features came from; an unknown card is refused; a viewer sees
// the setting but cannot change it; the scientist removes it again.
const ENDPOINT = "fraud-detector-xgb-staging-local";

const stored = async () =>
  (
    await query<{ setting: unknown }>(`SELECT "onlineFeatures" AS setting FROM "Endpoint" WHERE name = $1`, [ENDPOINT])
  )[0]!.setting;

test("a data scientist sets up a feature lookup and fallback, predicts by card id, and removes them", async ({
  page,
  browser,
}) => {
  await servingVersion(ENDPOINT);
  const [endpoint] = await query<{ id: string }>(`SELECT id FROM "Endpoint" WHERE name = $1`, [ENDPOINT]);
  const scientist = await createPerson("DATA_SCIENTIST", "features", "Fraud & Risk");
  await signInAs(page, scientist.email);
  await page.goto(`/endpoints/${endpoint!.id}`);

  await expect(page.getByTestId("online-features-none")).toBeVisible();
  await page.getByTestId("online-features-edit").click();
  const form = page.getByTestId("online-features-form");
  await form.getByTestId("lookup-enabled").check();
  await form.getByTestId("lookup-group").selectOption("card-activity");
  await expect(form.getByTestId("lookup-entity-key")).toHaveValue("card_id");
  await expect(form.getByRole("checkbox", { name: "tx_count_24h" })).toBeChecked();
  await form.getByRole("button", { name: "Add a request feature" }).click();
  const requestFeature = form.getByTestId("request-feature");
  await requestFeature.getByRole("textbox", { name: "Feature name", exact: true }).fill("hour");
  await requestFeature.getByRole("textbox", { name: "From fields", exact: true }).fill("timestamp");
  await form.getByTestId("fallback-enabled").check();
  await form.getByRole("button", { name: "Add a rule" }).click();
  const rule = form.getByTestId("fallback-rule");
  await rule.getByRole("textbox", { name: "Field", exact: true }).fill("amount");
  await rule.getByRole("textbox", { name: "Value", exact: true }).fill("1000");
  await rule.getByRole("textbox", { name: "Answer", exact: true }).fill("0.9");
  await form.getByTestId("fallback-otherwise").fill("0.02");
  await form.getByTestId("online-features-save").click();
  await expect(page.getByTestId("online-features-runtime")).toHaveText(
    "Saved; the runtime uses it from the next request.",
  );
  await expect(page.getByTestId("online-features-summary")).toContainText("card-activity");
  await expect(page.getByTestId("online-features-summary")).toContainText("hour = utc_hour(timestamp)");
  expect(await stored()).toMatchObject({
    lookup: { featureGroup: "card-activity", entityKey: "card_id", requestFeatures: [{ name: "hour" }] },
    fallback: { rules: [{ when: [{ field: "amount", op: ">=", value: 1000 }] }] },
  });

  // The example row now holds what a caller sends: the card's id and the transaction's time, not its stored features.
  await page.reload();
  const input = page.getByTestId("prediction-input");
  await expect(input).toHaveValue(/"card_id": "card-0001"/);
  await expect(input).not.toHaveValue(/tx_count_24h/);
  await page.getByTestId("prediction-submit").click();
  await expect(page.getByTestId("prediction-feature-sources")).toHaveText(/1 from (Redis|PostgreSQL)/);
  await expect(page.getByTestId("prediction-fallback")).toHaveCount(0);
  await expect(page.getByTestId("prediction-variant")).not.toHaveText("(rules)");

  const row = JSON.parse(await input.inputValue()) as Record<string, unknown>;
  await input.fill(JSON.stringify({ ...row, card_id: "card-9999" }));
  await page.getByTestId("prediction-submit").click();
  await expect(page.getByText('no stored features for card_id "card-9999"')).toBeVisible();

  const viewer = await createPerson("VIEWER", "features-viewer", "Fraud & Risk");
  const viewerPage = await (await browser.newContext()).newPage();
  await signInAs(viewerPage, viewer.email);
  await viewerPage.goto(`/endpoints/${endpoint!.id}`);
  await expect(viewerPage.getByTestId("online-features-summary")).toContainText("card-activity");
  await expect(viewerPage.getByTestId("online-features-edit")).toHaveCount(0);

  await page.getByTestId("online-features-edit").click();
  await form.getByTestId("lookup-enabled").uncheck();
  await form.getByTestId("fallback-enabled").uncheck();
  await form.getByTestId("online-features-save").click();
  await expect(page.getByTestId("online-features-none")).toBeVisible();
  expect(await stored()).toBeNull();
});
