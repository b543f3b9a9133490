import { spawn } from "node:child_process";
import { expect, test } from "@playwright/test";
import { encode } from "next-auth/jwt";
import { DEVELOPMENT_SESSION_SECRET } from "@/server/env";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, E2E_DATABASE_URL, query } from "@/playwright/support/db";

const SESSION_COOKIE = "next-auth.session-token";

test("a session cookie forged with the development secret from the source signs nobody in", async ({
  page,
  baseURL,
}) => {
  const [admin] = await query<{ id: string }>(`SELECT id FROM "User" WHERE role = 'ADMIN' LIMIT 1`);
  const forged = await encode({
    token: { uid: admin?.id, sid: "forged", name: "Ada" },
    secret: DEVELOPMENT_SESSION_SECRET,
  });
  await page.context().addCookies([{ name: SESSION_COOKIE, value: forged, url: baseURL ?? "" }]);
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/signin/);
  const trpc = await page.request.get("/api/trpc/admin.users?input=" + encodeURIComponent('{"json":{}}'));
  expect(trpc.status()).toBe(401);
});

test("signing out ends the session on the server: a saved copy of the cookie no longer works", async ({
  page,
  browser,
  baseURL,
}) => {
  const scientist = await createPerson("DATA_SCIENTIST", "leaver");
  await signInAs(page, scientist.email);
  await page.goto("/settings/tokens");
  const saved = (await page.context().cookies()).filter((cookie) => cookie.name === SESSION_COOKIE);
  expect(saved).toHaveLength(1);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);

  const thief = await browser.newContext({ baseURL });
  await thief.addCookies(saved);
  const stolen = await thief.newPage();
  await stolen.goto("/settings/tokens");
  await expect(stolen).toHaveURL(/\/signin/);
  const create = await stolen.request.post("/api/trpc/admin.tokens.create?batch=1", {
    data: { "0": { json: { name: "after sign-out", scopes: ["read"], expiresInDays: 365 } } },
    headers: { origin: baseURL ?? "" },
  });
  expect(create.status()).toBe(401);
  expect(await query(`SELECT id FROM "ApiToken" WHERE "userId" = $1`, [scientist.id])).toEqual([]);
  await thief.close();
});

test("another site cannot make a signed-in browser change anything", async ({ page }) => {
  const scientist = await createPerson("DATA_SCIENTIST", "csrf-target");
  await signInAs(page, scientist.email);
  const create = await page.request.post("/api/trpc/admin.tokens.create?batch=1", {
    data: { "0": { json: { name: "planted", scopes: ["read"], expiresInDays: 365 } } },
    headers: { origin: "https://attacker.example", "sec-fetch-site": "cross-site" },
  });
  expect(create.status()).toBe(403);
  expect(JSON.stringify(await create.json())).toContain("CROSS_ORIGIN");
  expect(await query(`SELECT id FROM "ApiToken" WHERE "userId" = $1`, [scientist.id])).toEqual([]);

  await page.goto("/settings/tokens");
  const headers = (await page.request.get("/settings/tokens")).headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
});

test("the portal refuses to start in production with the committed secret and the development sign-in on all interfaces", async () => {
  test.setTimeout(90_000);
  const portal = spawn("npx", ["next", "start", "-H", "0.0.0.0", "-p", "3197"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      DATABASE_URL: E2E_DATABASE_URL,
      NEXTAUTH_SECRET: DEVELOPMENT_SESSION_SECRET,
      MODELPORT_DEV_LOGIN: "1",
      MODELPORT_BIND_HOST: "0.0.0.0",
    },
  });
  let output = "";
  portal.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  portal.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      portal.kill("SIGKILL");
      resolve(null);
    }, 60_000);
    portal.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  expect(exitCode, output).toBe(1);
  expect(output).toContain("Refusing to start the portal in production");
  expect(output).toContain("NEXTAUTH_SECRET is the development default committed in the source");
  expect(output).toContain("ARTIFACT_URL_SECRET is the development default");
  expect(output).toContain("the development sign-in (MODELPORT_DEV_LOGIN) is refused in production");
});
