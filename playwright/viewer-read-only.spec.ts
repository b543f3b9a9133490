import { expect, test } from "@playwright/test";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query } from "@/playwright/support/db";

test("a viewer sees no mutation controls and the server refuses their mutations", async ({ page, baseURL }) => {
  const viewer = await createPerson("VIEWER", "viewer");
  await signInAs(page, viewer.email);

  await page.goto("/models");
  await expect(page.getByRole("link", { name: "fraud-detector-xgb" })).toBeVisible();
  await expect(page.getByRole("button", { name: /new model/i })).toHaveCount(0);

  await page.goto("/models/fraud-detector-xgb");
  await expect(page.getByRole("heading", { name: "fraud-detector-xgb" })).toBeVisible();
  await expect(page.getByRole("button", { name: /(set|move) alias/i })).toHaveCount(0);

  await page.goto("/settings/tokens");
  await expect(page.getByTestId("scope-models:write")).toBeDisabled();

  // The UI hides controls; the server decides. A tRPC mutation from the viewer's session is refused…
  const modelsBefore = await query<{ count: string }>(`SELECT count(*) FROM "RegisteredModel"`);
  const trpc = await page.request.post("/api/trpc/registry.createModel?batch=1", {
    data: { "0": { json: { name: "viewer-should-not-create", taskType: "OTHER" } } },
    headers: { origin: baseURL ?? "" },
  });
  expect(trpc.status()).toBe(403);
  expect(JSON.stringify(await trpc.json())).toMatch(/Your role \(VIEWER\) may not/);

  // …and so is a REST mutation with the viewer's own read token.
  await page.getByTestId("token-name").fill("viewer read token");
  await page.getByTestId("create-token").click();
  const secret = (await page.getByTestId("token-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^mp_/);
  const rest = await page.request.post("/api/v1/models", {
    headers: { authorization: `Bearer ${secret}` },
    data: { name: "viewer-should-not-create", taskType: "OTHER" },
  });
  expect(rest.status()).toBe(403);
  expect((await rest.json()).error.message).toMatch(/scope/);
  const modelsAfter = await query<{ count: string }>(`SELECT count(*) FROM "RegisteredModel"`);
  expect(modelsAfter).toEqual(modelsBefore);
});
