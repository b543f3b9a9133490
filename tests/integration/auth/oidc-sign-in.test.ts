import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { authOptions } from "@/server/auth/options";
import { db } from "@/server/db/client";
import { cookieJarFromRequest, userFromSessionCookie } from "@/server/auth/session-cookie";
import {
  OIDC_CALLBACK_URL,
  PORTAL_URL,
  SESSION_COOKIE,
  sessionOf,
  signInWithOidc,
} from "@/tests/integration/auth/next-auth-flow";
import { TestIdentityProvider, type TestAccount } from "@/tests/integration/auth/test-identity-provider";
import { givenUser } from "@/tests/integration/fixtures";

// A real OpenID Connect provider on loopback, and next-auth's real OAuth flow (authorization code + PKCE + state,
// ID token validation, user info) against it, with the portal's own auth options. Nothing of the portal is mocked.

const CLIENT = {
  clientId: "modelport-portal",
  clientSecret: "modelport-test-client-secret",
  redirectUri: OIDC_CALLBACK_URL,
};
const idp = await TestIdentityProvider.start(CLIENT);

// Read by server/env.ts on first use, which comes later than this.
const ENV = {
  OIDC_ISSUER: idp.issuer,
  OIDC_CLIENT_ID: CLIENT.clientId,
  OIDC_CLIENT_SECRET: CLIENT.clientSecret,
  NEXTAUTH_URL: PORTAL_URL,
};
const previousEnv = Object.fromEntries(Object.keys(ENV).map((key) => [key, process.env[key]]));
Object.assign(process.env, ENV);

afterAll(async () => {
  for (const [key, value] of Object.entries(previousEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await idp.stop();
});

let sequence = 0;

/** An account at the identity provider, signed in as by the next login. */
function givenIdpAccount(account: TestAccount): string {
  sequence += 1;
  const subject = `idp-subject-${sequence}`;
  idp.accounts.set(subject, account);
  idp.nextLogin = subject;
  return subject;
}

async function signIn(subject: string) {
  idp.nextLogin = subject;
  const outcome = await signInWithOidc(authOptions());
  const session = outcome.jar.get(SESSION_COOKIE) ? await sessionOf(authOptions(), outcome.jar) : undefined;
  // Who the portal's server takes the browser for: the session row the cookie names, not the cookie's claims.
  const signedIn = await userFromSessionCookie(
    cookieJarFromRequest(new Request(PORTAL_URL, { headers: { cookie: outcome.jar.header() } })),
  );
  expect(signedIn?.id).toBe(session?.user?.id);
  return { redirect: outcome.redirect, sessionCookie: outcome.jar.get(SESSION_COOKIE), userId: signedIn?.id };
}

const identityOf = (subject: string) =>
  db().userIdentity.findUnique({ where: { issuer_subject: { issuer: idp.issuer, subject } } });

describe("signing in with single sign-on (a real OIDC provider, next-auth's real flow)", () => {
  beforeEach(() => {
    idp.nextLogin = "";
  });

  it("creates a viewer on the first sign-in and lands on the page asked for", async () => {
    const subject = givenIdpAccount({ email: "Grace.Hopper@example.test", email_verified: true, name: "Grace Hopper" });

    const first = await signIn(subject);

    expect(first.redirect).toBe(`${PORTAL_URL}/models`);
    expect(first.sessionCookie).toBeTruthy();
    const user = await db().user.findUniqueOrThrow({ where: { email: "grace.hopper@example.test" } });
    expect(user).toMatchObject({ name: "Grace Hopper", role: "VIEWER" });
    expect(first.userId).toBe(user.id);
    expect(await identityOf(subject)).toMatchObject({ userId: user.id, email: "grace.hopper@example.test" });
  });

  it("signs the same subject in as the same person again, updating lastLoginAt", async () => {
    const subject = givenIdpAccount({ email: "alan@example.test", email_verified: true, name: "Alan" });
    const first = await signIn(subject);
    const before = await identityOf(subject);

    const second = await signIn(subject);

    expect(second.userId).toBe(first.userId);
    expect(await db().user.count({ where: { email: "alan@example.test" } })).toBe(1);
    expect(await db().userIdentity.count({ where: { userId: first.userId } })).toBe(1);
    expect((await identityOf(subject))?.lastLoginAt.getTime()).toBeGreaterThan(before?.lastLoginAt.getTime() ?? 0);
  });

  it("keeps the person when the provider changes their email", async () => {
    const subject = givenIdpAccount({ email: "ada@example.test", email_verified: true, name: "Ada" });
    const first = await signIn(subject);
    idp.accounts.set(subject, { email: "ada.lovelace@example.test", email_verified: false, name: "Ada" });

    const renamed = await signIn(subject);

    expect(renamed.userId).toBe(first.userId);
    expect(await identityOf(subject)).toMatchObject({ userId: first.userId, email: "ada.lovelace@example.test" });
    expect(await db().user.findUniqueOrThrow({ where: { id: first.userId } })).toMatchObject({
      email: "ada@example.test",
    });
  });

  it("refuses an unverified email that matches an existing user: no link, no session", async () => {
    const admin = await givenUser("ADMIN");
    const subject = givenIdpAccount({ email: admin.user.email, email_verified: false, name: "Mallory" });

    const attempt = await signIn(subject);

    expect(attempt.redirect).toBe("/signin?error=OidcEmailUnverified");
    expect(attempt.sessionCookie).toBeUndefined();
    expect(await identityOf(subject)).toBeNull();
    expect(await db().userIdentity.findMany({ where: { userId: admin.user.id } })).toEqual([]);
  });

  it('refuses the string "false" as verification too', async () => {
    const subject = givenIdpAccount({ email: "someone@example.test", email_verified: "false" });

    const attempt = await signIn(subject);

    expect(attempt.redirect).toBe("/signin?error=OidcEmailUnverified");
    expect(await db().user.count({ where: { email: "someone@example.test" } })).toBe(0);
  });

  it("links a verified email to the existing user with that email", async () => {
    const reviewer = await givenUser("REVIEWER");
    const subject = givenIdpAccount({ email: reviewer.user.email.toUpperCase(), email_verified: "true", name: "R" });

    const linked = await signIn(subject);

    expect(linked.userId).toBe(reviewer.user.id);
    expect(await identityOf(subject)).toMatchObject({ userId: reviewer.user.id });
    expect(await db().user.findUniqueOrThrow({ where: { id: reviewer.user.id } })).toMatchObject({ role: "REVIEWER" });
  });
});
