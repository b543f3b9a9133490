import { decode, type JWT } from "next-auth/jwt";
import { db } from "@/server/db/client";
import { sessionCookieName, sessionPolicy } from "@/server/auth/session-policy";
import { sessionSecret } from "@/server/production-safety";
import { resolveSession } from "@/server/services/admin/sessions";

/** Reads a cookie by name; next-auth splits large values into name.0, name.1, … */
export type CookieJar = { get(name: string): { value: string } | undefined };

function joinedCookie(jar: CookieJar, name: string): string | undefined {
  const whole = jar.get(name)?.value;
  if (whole) return whole;
  const chunks: string[] = [];
  for (let i = 0; jar.get(`${name}.${i}`); i++) chunks.push(jar.get(`${name}.${i}`)?.value ?? "");
  return chunks.length > 0 ? chunks.join("") : undefined;
}

/**
 * Cookies this process has already decrypted, with their claims: every request carries one, and deriving the key and
 * decrypting it again cost more than the rest of the session check. Only cookies that decrypted are kept (so
 * strangers cannot fill it), and a kept cookie still stops working when its `exp` passes.
 */
const openedCookies = new Map<string, JWT>();
const OPENED_COOKIES_KEPT = 5_000;

function stillValid(claims: JWT, now: Date): boolean {
  return typeof claims.exp !== "number" || claims.exp * 1000 > now.getTime();
}

/** The session cookie's claims, or null if it is missing, expired or was not sealed with this portal's secret. */
export async function readSessionClaims(jar: CookieJar, now = new Date()): Promise<JWT | null> {
  const token = joinedCookie(jar, sessionCookieName());
  if (!token) return null;
  const claims = openedCookies.get(token) ?? (await openCookie(token));
  return claims && stillValid(claims, now) ? claims : null;
}

async function openCookie(token: string): Promise<JWT | null> {
  // A cookie that does not decrypt with our secret is an anonymous visitor, not an error.
  const claims = await decode({ token, secret: sessionSecret() }).catch(() => null);
  if (!claims) return null;
  if (openedCookies.size >= OPENED_COOKIES_KEPT) openedCookies.delete(openedCookies.keys().next().value!);
  openedCookies.set(token, Object.freeze(claims));
  return claims;
}

/**
 * The person a browser's session cookie belongs to, read fresh from the database, or null. The cookie only names a
 * session row: an ended, expired or idle session signs nobody in, whatever the cookie says.
 */
export async function userFromSessionCookie(jar: CookieJar, now = new Date()) {
  const claims = await readSessionClaims(jar, now);
  if (typeof claims?.sid !== "string") return null;
  return resolveSession(db(), claims.sid, now, sessionPolicy());
}

/** A cookie jar over a request's Cookie header (route handlers and tests; pages use next/headers). */
export function cookieJarFromRequest(request: Request): CookieJar {
  const pairs = (request.headers.get("cookie") ?? "")
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part.includes("="))
    .map((part) => [part.slice(0, part.indexOf("=")), part.slice(part.indexOf("=") + 1)] as const);
  const cookies = new Map(pairs);
  return {
    get(name) {
      const value = cookies.get(name);
      return value === undefined ? undefined : { value };
    },
  };
}
