import { expect, type Page } from "@playwright/test";

/** Signs in through the development credentials provider, as the sign-in page's buttons do. */
export async function signInAs(page: Page, email: string) {
  const csrf = await page.request.get("/api/auth/csrf");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await page.request.post("/api/auth/callback/dev", {
    form: { csrfToken, email, callbackUrl: "/", json: "true" },
  });
  expect(response.ok()).toBe(true);
  const session = await page.request.get("/api/auth/session");
  expect(((await session.json()) as { user?: { email?: string } }).user?.email).toBe(email);
}
