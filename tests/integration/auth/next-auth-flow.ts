import type { NextApiRequest, NextApiResponse } from "next";
import NextAuth, { type AuthOptions } from "next-auth";

/** Where the portal pretends to run (NEXTAUTH_URL), and so where the identity provider sends people back to. */
export const PORTAL_URL = "http://localhost:3000";
export const OIDC_CALLBACK_URL = `${PORTAL_URL}/api/auth/callback/oidc`;
export const SESSION_COOKIE = "next-auth.session-token";

/** A browser's cookies for one site, without paths or expiry: enough for one sign-in. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  set(name: string, value: string) {
    if (value === "") this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /**
   * Stores `Set-Cookie` header values, URL-decoded as a server framework hands them to a handler; an empty value (how
   * servers delete a cookie) removes the cookie.
   */
  storeSetCookies(headers: string[]) {
    for (const header of headers) {
      const pair = header.split(";", 1)[0] ?? "";
      const eq = pair.indexOf("=");
      if (eq > 0) this.set(pair.slice(0, eq).trim(), decodeURIComponent(pair.slice(eq + 1).trim()));
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  entries(): Record<string, string> {
    return Object.fromEntries(this.cookies);
  }
}

type PortalRequest = {
  method: "GET" | "POST";
  action: "csrf" | "signin" | "callback" | "session";
  query?: Record<string, string>;
  body?: object;
};

/** What the handler answered: the parts of a NextApiResponse next-auth's API route handler uses. */
class CapturedResponse {
  statusCode = 200;
  body: unknown;
  private readonly headers = new Map<string, string | string[]>();

  status(code: number) {
    this.statusCode = code;
    return this;
  }
  setHeader(name: string, value: string | string[]) {
    this.headers.set(name.toLowerCase(), value);
    return this;
  }
  getHeader(name: string) {
    return this.headers.get(name.toLowerCase());
  }
  json(body: unknown) {
    this.body = body;
    return this;
  }
  send(body: unknown) {
    this.body = body;
    return this;
  }
  end() {
    return this;
  }

  /** Where it sends the browser: the Location header, or `{ url }` when the request asked for JSON. */
  redirect(): string | undefined {
    const location = this.getHeader("location");
    if (typeof location === "string") return location;
    const url = (this.body as { url?: unknown } | undefined)?.url;
    return typeof url === "string" ? url : undefined;
  }

  setCookies(): string[] {
    const value = this.getHeader("set-cookie") ?? [];
    return Array.isArray(value) ? value : [value];
  }
}

/**
 * One request to /api/auth/<action>/oidc through next-auth's own API route handler (`NextAuth(req, res, options)`, as
 * pages/api/auth/[...nextauth] calls it; the App Router handler builds the same request for next-auth's core from
 * next/headers, which exists only inside a Next.js server). Stores the cookies it sets in the jar.
 */
async function callPortal(options: AuthOptions, jar: CookieJar, request: PortalRequest): Promise<CapturedResponse> {
  const req = {
    method: request.method,
    query: { ...request.query, nextauth: [request.action, "oidc"] },
    body: request.body,
    cookies: jar.entries(),
    headers: { host: new URL(PORTAL_URL).host, cookie: jar.header() },
  };
  const res = new CapturedResponse();
  await NextAuth(req as unknown as NextApiRequest, res as unknown as NextApiResponse, options);
  jar.storeSetCookies(res.setCookies());
  return res;
}

/** Follows the identity provider's redirects (login and consent happen on their own) back to the portal. */
async function followProvider(start: string): Promise<URL> {
  const jar = new CookieJar();
  let next = new URL(start);
  for (let hop = 0; hop < 12; hop++) {
    if (next.href.startsWith(OIDC_CALLBACK_URL)) return next;
    const response = await fetch(next, { redirect: "manual", headers: { cookie: jar.header() } });
    jar.storeSetCookies(response.headers.getSetCookie());
    const location = response.headers.get("location");
    if (!location) throw new Error(`${next.href} answered ${response.status}: ${await response.text()}`);
    next = new URL(location, next);
  }
  throw new Error(`The identity provider redirected more than 12 times (last: ${next.href})`);
}

export type SignInOutcome = {
  /** Where next-auth sends the browser at the end. */
  redirect: string | undefined;
  /** The portal's cookies afterwards (the session cookie among them when sign-in succeeded). */
  jar: CookieJar;
};

/**
 * A whole "Sign in with single sign-on" in a fresh browser: csrf → POST signin/oidc → the provider's authorization
 * endpoint, login and consent → GET callback/oidc with the code and state.
 */
export async function signInWithOidc(
  options: AuthOptions,
  callbackUrl = `${PORTAL_URL}/models`,
): Promise<SignInOutcome> {
  const jar = new CookieJar();
  const csrf = await callPortal(options, jar, { method: "GET", action: "csrf" });
  const { csrfToken } = csrf.body as { csrfToken: string };
  const signin = await callPortal(options, jar, {
    method: "POST",
    action: "signin",
    body: { csrfToken, callbackUrl, json: "true" },
  });
  const authorization = signin.redirect();
  if (!authorization) throw new Error(`signin/oidc did not redirect: ${JSON.stringify(signin.body)}`);
  const callback = await followProvider(authorization);
  const done = await callPortal(options, jar, {
    method: "GET",
    action: "callback",
    query: Object.fromEntries(callback.searchParams),
  });
  return { redirect: done.redirect(), jar };
}

/** The session the portal would return for these cookies (GET /api/auth/session). */
export async function sessionOf(options: AuthOptions, jar: CookieJar) {
  const response = await callPortal(options, jar, { method: "GET", action: "session" });
  return response.body as { user?: { id?: string; email?: string | null } } | undefined;
}
