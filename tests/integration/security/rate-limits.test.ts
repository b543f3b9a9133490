import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it, vi } from "vitest";

// Small limits and short windows (4 s for REST, so the reset test waits little), set before anything reads the
// environment.
vi.hoisted(() => {
  Object.assign(process.env, {
    REST_RATE_LIMIT_PER_MINUTE: "5",
    REST_AUTH_FAILURES_PER_MINUTE: "4",
    REST_RATE_LIMIT_WINDOW_SECONDS: "4",
    SIGN_IN_ATTEMPTS_PER_IP: "6",
    SIGN_IN_ATTEMPTS_PER_EMAIL: "3",
    SIGN_IN_WINDOW_SECONDS: "60",
    TRUST_PROXY: "1",
  });
});

import { db } from "@/server/db/client";
import { limitSignInAttempt } from "@/server/auth/sign-in-rate-limit";
import { createApiToken } from "@/server/services/admin/api-tokens";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";

const uniqueIp = () => `198.51.100.${1 + (randomBytes(1)[0]! % 250)}`;
const from = (ip: string) => ({ "x-forwarded-for": ip });
const experiment = () => ({ name: `rl-${randomBytes(4).toString("hex")}` });

async function burst(count: number, token: string, ip: string) {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++)
    statuses.push((await callApi("GET", "/experiments", { token, headers: from(ip) })).status);
  return statuses;
}

describe("REST rate limits per token", () => {
  // Loads the REST modules and connects to Redis first, so each burst below stays well inside one window.
  beforeAll(async () => {
    const { secret } = await givenToken("VIEWER", ["read"]);
    expect((await callApi("GET", "/experiments", { token: secret, headers: from(uniqueIp()) })).status).toBe(200);
  });

  it("answers 429 with Retry-After past the limit, writes nothing, and leaves other tokens alone", async () => {
    const ip = uniqueIp();
    const { secret, user } = await givenToken("DATA_SCIENTIST", ["read", "runs:write"]);
    const first = await callApi("GET", "/experiments", { token: secret, headers: from(ip) });
    expect(first.status).toBe(200);
    expect(first.headers.get("x-ratelimit-limit")).toBe("5");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("4");
    expect(await burst(4, secret, ip)).toEqual([200, 200, 200, 200]);

    const token = await db().apiToken.findFirstOrThrow({ where: { userId: user.id } });
    const before = await db().experiment.count();
    const refused = await callApi("POST", "/experiments", { token: secret, json: experiment(), headers: from(ip) });
    expect(refused.status).toBe(429);
    expect(refused.json.error?.code).toBe("TOO_MANY_REQUESTS");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(4);
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(await db().experiment.count()).toBe(before);
    const after = await db().apiToken.findFirstOrThrow({ where: { id: token.id } });
    expect(after.lastUsedAt).toEqual(token.lastUsedAt);

    const other = await givenToken("DATA_SCIENTIST", ["read", "runs:write"]);
    const created = await callApi("POST", "/experiments", {
      token: other.secret,
      json: experiment(),
      headers: from(ip),
    });
    expect(created.status).toBe(201);
  });

  it("uses a token's own limit when it has one", async () => {
    const ip = uniqueIp();
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const { secret, token } = await createApiToken(ctx, {
      name: "slow",
      scopes: ["read"],
      expiresInDays: 1,
      rateLimitPerMinute: 2,
    });
    expect(token.rateLimitPerMinute).toBe(2);
    expect(await burst(3, secret, ip)).toEqual([200, 200, 429]);
  });

  it("lets only admins raise a token above the default", async () => {
    const scientist = await givenUser("DATA_SCIENTIST");
    await expect(
      createApiToken(scientist.ctx, { name: "fast", scopes: ["read"], expiresInDays: 1, rateLimitPerMinute: 1000 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const admin = await givenUser("ADMIN");
    const { secret } = await createApiToken(admin.ctx, {
      name: "fast",
      scopes: ["read"],
      expiresInDays: 1,
      rateLimitPerMinute: 8,
    });
    expect(await burst(8, secret, uniqueIp())).toEqual(Array(8).fill(200));
  });

  it("resets after the window", async () => {
    const ip = uniqueIp();
    const { secret } = await givenToken("VIEWER", ["read"]);
    expect(await burst(6, secret, ip)).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await callApi("GET", "/experiments", { token: secret, headers: from(ip) });
    await sleep(Number(refused.headers.get("retry-after")) * 1000 + 100);
    expect((await callApi("GET", "/experiments", { token: secret, headers: from(ip) })).status).toBe(200);
  });
});

describe("REST failed authentications per client IP", () => {
  it("refuses a guessing IP (even with a valid token) before any lookup, and only that IP", async () => {
    const guesser = uniqueIp();
    const { secret } = await givenToken("VIEWER", ["read"]);
    for (let i = 0; i < 4; i++) {
      const guess = await callApi("GET", "/experiments", { token: `mp_${i}`, headers: from(guesser) });
      expect(guess.status).toBe(401);
    }
    const blocked = await callApi("GET", "/experiments", { token: `mp_guess`, headers: from(guesser) });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // A client cannot escape by prepending addresses: only the proxy's right-most entry counts.
    const spoofed = await callApi("GET", "/experiments", {
      token: secret,
      headers: from(`10.9.8.7, ${guesser}`),
    });
    expect(spoofed.status).toBe(429);
    const elsewhere = await callApi("GET", "/experiments", { token: secret, headers: from(uniqueIp()) });
    expect(elsewhere.status).toBe(200);
  });
});

function devSignIn(email: string, ip: string) {
  return new Request("http://localhost/api/auth/callback/dev", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...from(ip) },
    body: new URLSearchParams({ email, csrfToken: "x", callbackUrl: "/", json: "true" }),
  });
}

describe("sign-in attempts", () => {
  it("limits the development sign-in per email, and answers 429 with Retry-After", async () => {
    const ip = uniqueIp();
    const email = `someone-${randomBytes(3).toString("hex")}@example.test`;
    for (let i = 0; i < 3; i++)
      expect(await limitSignInAttempt(devSignIn(email, ip), ["callback", "dev"])).toBeUndefined();
    const refused = await limitSignInAttempt(devSignIn(email.toUpperCase(), ip), ["callback", "dev"]);
    expect(refused?.status).toBe(429);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = (await refused?.json()) as { error: { code: string }; url: string };
    expect(body.error.code).toBe("TOO_MANY_REQUESTS");
    expect(new URL(body.url).searchParams.get("error")).toBe("TooManyAttempts");
    // The request's body is still there for NextAuth.
    const request = devSignIn("other@example.test", ip);
    expect(await limitSignInAttempt(request, ["callback", "dev"])).toBeUndefined();
    expect(new URLSearchParams(await request.text()).get("email")).toBe("other@example.test");
  });

  it("limits sign-in attempts per IP, OIDC callbacks included, and leaves session reads alone", async () => {
    const ip = uniqueIp();
    const callback = () =>
      limitSignInAttempt(new Request("http://localhost/api/auth/callback/oidc?code=x&state=y", { headers: from(ip) }), [
        "callback",
        "oidc",
      ]);
    for (let i = 0; i < 6; i++) expect(await callback()).toBeUndefined();
    expect((await callback())?.status).toBe(429);
    const session = new Request("http://localhost/api/auth/session", { headers: from(ip) });
    expect(await limitSignInAttempt(session, ["session"])).toBeUndefined();
    const otherIp = devSignIn(`x-${randomBytes(3).toString("hex")}@example.test`, uniqueIp());
    expect(await limitSignInAttempt(otherIp, ["callback", "dev"])).toBeUndefined();
  });
});

describe("with Redis down", () => {
  it("keeps limiting in memory per process (never unlimited, never waiting on Redis)", async () => {
    vi.resetModules();
    process.env.RATE_LIMIT_REDIS_URL = "redis://127.0.0.1:1";
    const fresh = await import("@/tests/integration/fixtures");
    const ip = uniqueIp();
    const { secret } = await fresh.givenToken("VIEWER", ["read"]);
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await fresh.callApi("GET", "/experiments", { token: secret, headers: from(ip) })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(Date.now() - started).toBeLessThan(5000);
    const { limitSignInAttempt: limitWithoutRedis } = await import("@/server/auth/sign-in-rate-limit");
    const email = `down-${randomBytes(3).toString("hex")}@example.test`;
    const attempts = [];
    for (let i = 0; i < 4; i++)
      attempts.push((await limitWithoutRedis(devSignIn(email, ip), ["callback", "dev"]))?.status);
    expect(attempts).toEqual([undefined, undefined, undefined, 429]);
  });
});
