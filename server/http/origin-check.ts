import { originOf } from "@/server/http/security-headers";

/**
 * CSRF defence for cookie-authenticated, state-changing requests (every POST to /api/trpc; next-auth's own routes
 * carry CSRF tokens, /api/v1 reads bearer tokens only and never a cookie):
 *
 * - `Sec-Fetch-Site` (sent by every current browser) must be `same-origin` or `none` (typed URL, bookmark). Both
 *   `cross-site` and `same-site` are refused: a sibling sub-domain is not the portal and may be someone else's.
 * - `Origin`, when present, must be one of the portal's own origins: NEXTAUTH_URL's, or the one the request was
 *   addressed to (Host, or X-Forwarded-Host/-Proto behind a proxy; a browser cannot set those across sites without a
 *   CORS preflight, which the portal never grants). `Origin: null` (sandboxed frames, privacy redirects) is refused.
 * - A request with neither header did not come from a current browser (curl, server-side callers, very old
 *   browsers). It is allowed only without a Cookie header: without a cookie it carries no session and so no
 *   authority to abuse, while a cookie-bearing one could be an old browser's cross-site form post.
 */
export type OriginVerdict = { ok: true } | { ok: false; reason: string };

const ALLOWED_FETCH_SITES = new Set(["same-origin", "none"]);

const firstValue = (header: string | null) => header?.split(",")[0]?.trim() || null;

/** The origins this request may legitimately come from: the configured portal URL and the address it was sent to. */
export function ownOrigins(requestUrl: string, headers: Headers, configuredUrl?: string): string[] {
  const url = new URL(requestUrl);
  const host = firstValue(headers.get("x-forwarded-host")) ?? firstValue(headers.get("host")) ?? url.host;
  const proto = firstValue(headers.get("x-forwarded-proto")) ?? url.protocol.replace(/:$/, "");
  const candidates = [originOf(configuredUrl), originOf(`${proto}://${host}`), url.origin];
  return [...new Set(candidates.filter((origin): origin is string => origin !== null))];
}

/** Whether a state-changing, cookie-authenticated request may proceed (see the rules above). */
export function checkSameOrigin(headers: Headers, allowedOrigins: readonly string[]): OriginVerdict {
  const fetchSite = headers.get("sec-fetch-site")?.toLowerCase();
  if (fetchSite !== undefined && !ALLOWED_FETCH_SITES.has(fetchSite)) {
    return { ok: false, reason: `Sec-Fetch-Site is ${fetchSite}` };
  }
  const origin = headers.get("origin");
  if (origin !== null) {
    return allowedOrigins.includes(origin) ? { ok: true } : { ok: false, reason: `Origin ${origin} is not the portal` };
  }
  if (fetchSite === undefined && headers.has("cookie")) {
    return { ok: false, reason: "A request with cookies must say where it comes from (Origin or Sec-Fetch-Site)" };
  }
  return { ok: true };
}
