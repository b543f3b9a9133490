import { randomBytes } from "node:crypto";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { appRouter } from "@/server/api/root";
import { createTrpcContext } from "@/server/api/trpc";
import { sessionPolicy } from "@/server/auth/session-policy";
import { cookieJarFromRequest, readSessionClaims, userFromSessionCookie } from "@/server/auth/session-cookie";
import { db } from "@/server/db/client";
import { DEVELOPMENT_SESSION_SECRET } from "@/server/env";
import type { Role } from "@/server/db/generated/enums";
import { givenUser } from "@/tests/integration/fixtures";
import { NextAuthClient, PORTAL_URL } from "@/tests/integration/support/next-auth-client";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

vi.hoisted(() => {
  process.env.MODELPORT_DEV_LOGIN = "1";
  process.env.NEXTAUTH_URL = "http://localhost:3000";
  process.env.SESSION_IDLE_MINUTES = "30";
  process.env.SESSION_MAX_HOURS = "8";
});

async function demoUser(role: Role) {
  const { user } = await givenUser(role);
  return db().user.update({ where: { id: user.id }, data: { isDemo: true } });
}

async function signedIn(email: string) {
  const browser = new NextAuthClient();
  await browser.devSignIn(email);
  return browser;
}

const whoIs = (browser: NextAuthClient, now?: Date) =>
  userFromSessionCookie(cookieJarFromRequest(browser.request(`${PORTAL_URL}/`)), now);

/** A tRPC mutation over HTTP through the real route handler, as the browser sends it. */
async function trpcMutation(browser: NextAuthClient, path: string, input: unknown) {
  const request = browser.request(`${PORTAL_URL}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: input }),
  });
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: ({ req }) => createTrpcContext({ req }),
  });
  return { status: response.status, body: await response.text() };
}

/** Another browser holding a copy of this one's cookies (a stolen or saved cookie). */
function copyOf(browser: NextAuthClient) {
  const copy = new NextAuthClient();
  for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
  return copy;
}

let admin: Awaited<ReturnType<typeof demoUser>>;
beforeAll(async () => {
  admin = await demoUser("ADMIN");
});

describe("development sign-in", () => {
  it("signs a demo user in with a server-side session", async () => {
    const person = await demoUser("DATA_SCIENTIST");
    const browser = await signedIn(person.email);
    expect((await whoIs(browser))?.id).toBe(person.id);
    expect(await db().userSession.count({ where: { userId: person.id, revokedAt: null } })).toBe(1);
  });

  it("refuses anyone who is not a demo user, and makes no session", async () => {
    const { user } = await givenUser("ADMIN");
    const browser = new NextAuthClient();
    const redirect = await browser.devSignIn(user.email);
    expect(redirect).toContain("error=");
    expect(await whoIs(browser)).toBeNull();
    expect(await db().userSession.count({ where: { userId: user.id } })).toBe(0);
  });

  it("gives every sign-in a new session id", async () => {
    const person = await demoUser("VIEWER");
    const first = await signedIn(person.email);
    const second = await signedIn(person.email);
    const ids = await Promise.all(
      [first, second].map(async (b) => (await readSessionClaims(cookieJarFromRequest(b.request(PORTAL_URL))))?.sid),
    );
    expect(ids[0]).toBeTruthy();
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe("ending sessions", () => {
  it("sign-out ends the session: a kept copy of the cookie signs nobody in and cannot create a token", async () => {
    const person = await demoUser("DATA_SCIENTIST");
    const browser = await signedIn(person.email);
    const kept = copyOf(browser);
    const before = await trpcMutation(kept, "admin.tokens.create", { name: "ci", scopes: ["read"], expiresInDays: 30 });
    expect(before.status).toBe(200);

    const sessionEndpoint = async (b: NextAuthClient) => (await b.call("GET", "session")).body as { user?: object };
    expect((await sessionEndpoint(kept)).user).toMatchObject({ email: person.email });

    await browser.signOut();
    expect(await whoIs(kept)).toBeNull();
    // next-auth's own /api/auth/session shows nobody for the ended session either.
    expect((await sessionEndpoint(kept)).user).toBeUndefined();
    const after = await trpcMutation(kept, "admin.tokens.create", { name: "ci2", scopes: ["read"], expiresInDays: 30 });
    expect(after.status).toBe(401);
    expect(await db().apiToken.count({ where: { userId: person.id } })).toBe(1);
    const ended = await db().userSession.findFirstOrThrow({ where: { userId: person.id } });
    expect(ended.revokedReason).toBe("sign-out");
  });

  it("a role change ends every session of that person at once", async () => {
    const person = await demoUser("DATA_SCIENTIST");
    const laptop = await signedIn(person.email);
    const phone = await signedIn(person.email);
    const caller = await trpcCallerFor(admin.id);
    await caller.admin.setUserRole({ userId: person.id, role: "VIEWER" });
    expect(await whoIs(laptop)).toBeNull();
    expect(await whoIs(phone)).toBeNull();
    const again = await signedIn(person.email);
    expect((await whoIs(again))?.role).toBe("VIEWER");
  });

  it("an admin ends a person's sessions with a reason, audited; the list shows why they ended", async () => {
    const person = await demoUser("REVIEWER");
    const browser = await signedIn(person.email);
    const caller = await trpcCallerFor(admin.id);
    await expect(caller.admin.endSessions({ userId: person.id, reason: "" })).rejects.toThrow(/at least 3/);
    expect(await whoIs(browser)).not.toBeNull();

    expect(await caller.admin.endSessions({ userId: person.id, reason: "lost laptop" })).toEqual({ ended: 1 });
    expect(await whoIs(browser)).toBeNull();
    const [listed] = await caller.admin.sessions({ userId: person.id });
    expect(listed).toMatchObject({ live: false, endedReason: "ended by an admin", provider: "dev" });
    expect(listed?.id).toHaveLength(8);
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "user.sessions.end", entityId: person.id } });
    expect(audit.after).toMatchObject({ ended: 1, reason: "lost laptop" });
  });

  it("only admins may end sessions", async () => {
    const manager = await demoUser("MANAGER");
    const person = await demoUser("VIEWER");
    const browser = await signedIn(person.email);
    const caller = await trpcCallerFor(manager.id);
    await expect(caller.admin.endSessions({ userId: person.id, reason: "because" })).rejects.toThrow(/may not/);
    expect(await whoIs(browser)).not.toBeNull();
  });
});

describe("timeouts", () => {
  it("a session idle longer than SESSION_IDLE_MINUTES signs nobody in; use keeps it alive", async () => {
    const person = await demoUser("VIEWER");
    const browser = await signedIn(person.email);
    const start = Date.now();
    const minute = 60_000;
    expect(await whoIs(browser, new Date(start + 20 * minute))).not.toBeNull();
    // Seen at +20 min, so +45 min is 25 minutes idle: still live.
    expect(await whoIs(browser, new Date(start + 45 * minute))).not.toBeNull();
    expect(await whoIs(browser, new Date(start + 76 * minute))).toBeNull();
  });

  it("a session ends SESSION_MAX_HOURS after sign-in however busy", async () => {
    const person = await demoUser("VIEWER");
    const browser = await signedIn(person.email);
    const { absoluteMs, idleMs } = sessionPolicy();
    const start = Date.now();
    for (let at = start + idleMs / 2; at < start + absoluteMs - 1000; at += idleMs / 2) {
      expect(await whoIs(browser, new Date(at))).not.toBeNull();
    }
    expect(await whoIs(browser, new Date(start + absoluteMs + 1000))).toBeNull();
  });
});

describe("forged cookies", () => {
  async function forged(claims: Record<string, string>, secret: string) {
    const browser = new NextAuthClient();
    browser.cookies.set("next-auth.session-token", await encode({ token: claims, secret }));
    return browser;
  }

  it("a cookie naming a user but no session signs nobody in, even sealed with the right key", async () => {
    expect(await whoIs(await forged({ uid: admin.id }, DEVELOPMENT_SESSION_SECRET))).toBeNull();
    const madeUp = randomBytes(32).toString("base64url");
    expect(await whoIs(await forged({ uid: admin.id, sid: madeUp }, DEVELOPMENT_SESSION_SECRET))).toBeNull();
  });

  it("a cookie stops working when its own expiry passes, also once this process has opened it", async () => {
    const person = await demoUser("VIEWER");
    const browser = await signedIn(person.email);
    const claims = await readSessionClaims(cookieJarFromRequest(browser.request(PORTAL_URL)));
    const shortLived = new NextAuthClient();
    const token = await encode({ token: { sid: claims?.sid ?? "" }, secret: DEVELOPMENT_SESSION_SECRET, maxAge: 60 });
    shortLived.cookies.set("next-auth.session-token", token);
    const signedInAs = await whoIs(shortLived);
    expect(signedInAs).toMatchObject({ id: person.id, role: "VIEWER", team: { id: person.teamId } });
    // The session row is still live two minutes on (idle limit 30 min); the cookie itself is not.
    expect(await whoIs(shortLived, new Date(Date.now() + 2 * 60_000))).toBeNull();
    expect(await whoIs(browser, new Date(Date.now() + 2 * 60_000))).not.toBeNull();
  });

  it("a cookie sealed with another key is ignored", async () => {
    const person = await demoUser("ADMIN");
    const browser = await signedIn(person.email);
    const claims = await readSessionClaims(cookieJarFromRequest(browser.request(PORTAL_URL)));
    const other = await forged({ uid: person.id, sid: claims?.sid ?? "" }, "another-secret-of-at-least-32-bytes!!");
    expect(await whoIs(other)).toBeNull();
    expect(await whoIs(browser)).not.toBeNull();
  });
});
