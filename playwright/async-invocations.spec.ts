import { expect, test } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query } from "@/playwright/support/db";
import { servingVersion } from "@/playwright/support/deployments";

// A data scientist's pipeline sends a payload too large for real time to an endpoint of their team with a token made
// on the settings page: it is answered 202 at once, the endpoint page shows it queued and then succeeded (the real
// worker scores it on the local runtime), and the result downloads with one prediction per row. Another team's
// token is refused, and the other team's data scientist does not see the invocations at all.
const TEAM = "Fraud & Risk";
const ENDPOINT = "fraud-detector-xgb-production-local";
const ROWS = 20_000;

/** The seed's fraud endpoint on the local runtime, once its deployment has succeeded, with its serving signature. */
async function servedFraudEndpoint() {
  await servingVersion(ENDPOINT);
  const [row] = await query<{ id: string; name: string; signature: { inputs: { name: string }[] } }>(
    `SELECT e.id, e.name, v.signature FROM "Endpoint" e
       JOIN "EndpointVariant" ev ON ev."endpointId" = e.id AND ev.weight > 0 AND NOT ev.shadow
       JOIN "ModelVersion" v ON v.id = ev."versionId"
     WHERE e.name = $1 ORDER BY ev.weight DESC LIMIT 1`,
    [ENDPOINT],
  );
  return row!;
}

async function createInvokeToken(page: import("@playwright/test").Page, email: string) {
  await page.context().clearCookies();
  await signInAs(page, email);
  await page.goto("/settings/tokens");
  await page.getByTestId("token-name").fill("scoring pipeline");
  await page.getByTestId("scope-inference:invoke").check();
  await page.getByTestId("create-token").click();
  const secret = (await page.getByTestId("token-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^mp_/);
  return secret;
}

test("a pipeline's asynchronous invocation is queued, scored by the worker and downloaded from the endpoint page", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const endpoint = await servedFraudEndpoint();
  const inputs = endpoint.signature.inputs.map((input) => input.name);
  const rows = Array.from({ length: ROWS }, (_, i) =>
    Object.fromEntries(inputs.map((name, f) => [name, ((i * 31 + f * 17) % 500) / 10])),
  );
  const outsider = await createPerson("DATA_SCIENTIST", "async-outsider", "Logistics");
  const outsiderSecret = await createInvokeToken(page, outsider.email);
  const scientist = await createPerson("DATA_SCIENTIST", "async-scientist", TEAM);
  const secret = await createInvokeToken(page, scientist.email);

  const send = (token: string) =>
    fetch(`${baseURL}/api/v1/endpoints/${endpoint.name}/invocations-async`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ rows }),
    });
  expect((await send(outsiderSecret)).status).toBe(403);
  const accepted = await send(secret);
  expect(accepted.status).toBe(202);
  const { id } = (await accepted.json()) as { id: string };

  await page.goto(`/endpoints/${endpoint.id}`);
  const invocation = page.locator(`[data-testid="async-invocation"][data-invocation-id="${id}"]`);
  await expect(invocation).toBeVisible();
  await expect(invocation.getByTestId("async-status")).toHaveAttribute("data-status", "SUCCEEDED", {
    timeout: 120_000,
  });
  await expect(invocation).toContainText(`${ROWS.toLocaleString("en-US")} rows`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    invocation.getByTestId("async-download").click(),
  ]);
  const result = JSON.parse(await readFile((await download.path())!, "utf8")) as {
    predictions: unknown[];
    predictionIds: string[];
  };
  expect(result.predictions).toHaveLength(ROWS);
  expect(new Set(result.predictionIds).size).toBe(ROWS);

  // The other team's data scientist sees the endpoint, not its invocations.
  await page.context().clearCookies();
  await signInAs(page, outsider.email);
  await page.goto(`/endpoints/${endpoint.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(endpoint.name);
  await expect(page.getByTestId("async-invocations")).toHaveCount(0);
  expect((await page.request.get(`/api/async-invocations/${id}/result`)).status()).toBe(403);
});
