import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, newNonce, servedOverHttps } from "@/server/http/security-headers";

/**
 * Pages get a Content-Security-Policy with a fresh nonce. Next.js reads the nonce from the request's own CSP header
 * and stamps it on the scripts it renders, so every page must render per request (they all read the session; the
 * root layout is force-dynamic). The other security headers come from next.config.ts, for API answers as well.
 */
export function proxy(request: NextRequest) {
  const policy = contentSecurityPolicy({
    nonce: newNonce(),
    development: process.env.NODE_ENV !== "production",
    https: servedOverHttps(request.url, request.headers.get("x-forwarded-proto")),
    oidcIssuer: process.env.OIDC_ISSUER,
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  // Not /api: proxy would buffer (and cut at 10 MB) every request body, artifact uploads included.
  matcher: ["/((?!api|_next/static|_next/image|favicon.ico).*)"],
};
