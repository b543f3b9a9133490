// Imported by next.config.ts and proxy.ts as well as the server: this file imports nothing.

export type CspOptions = {
  /** A fresh, unguessable value per request: Next.js stamps it on its own scripts (read from the request's CSP). */
  nonce: string;
  /** `next dev`: React needs eval for its debugging aids and the dev server's websocket for hot reload. */
  development: boolean;
  /** Served over https: ask the browser to upgrade any stray http sub-resource. */
  https: boolean;
  /** The OIDC issuer the sign-in redirects to (a form post that redirects must be allowed to go there). */
  oidcIssuer?: string;
};

/** The origin (scheme, host, port) of a URL; null for no URL or one that does not parse. */
export function originOf(url: string | undefined): string | null {
  return url && URL.canParse(url) ? new URL(url).origin : null;
}

/**
 * The pages' Content-Security-Policy. Scripts run only with this request's nonce ('strict-dynamic' lets them load the
 * chunks they need); styles allow 'unsafe-inline' because Tailwind's runtime-free output is a file but Radix and
 * recharts position things with style attributes, which a nonce cannot cover. Nothing may frame the portal.
 */
export function contentSecurityPolicy({ nonce, development, https, oidcIssuer }: CspOptions): string {
  const issuer = originOf(oidcIssuer);
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${development ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${issuer ? ` ${issuer}` : ""}`,
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** API answers are data, never documents: they may load nothing and be framed by nothing. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** One year, sub-domains included: sent only on answers served over https. */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";

/** The headers every answer carries, pages and API alike. */
export const SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }> = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  {
    key: "Permissions-Policy",
    value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
  },
];

type HeaderRule = {
  source: string;
  has?: { type: "header"; key: string; value?: string }[];
  headers: { key: string; value: string }[];
};

/**
 * next.config.ts's `headers()`: the common headers everywhere, a data-only CSP on /api (the proxy, which sets the
 * pages' nonce CSP, must not run on /api: it would buffer, and cut at 10 MB, every upload), HSTS behind https.
 */
export function securityHeaderRules(): HeaderRule[] {
  return [
    { source: "/:path*", headers: [...SECURITY_HEADERS] },
    { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
    {
      source: "/:path*",
      has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
      headers: [{ key: "Strict-Transport-Security", value: STRICT_TRANSPORT_SECURITY }],
    },
  ];
}

/** A per-request nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** Whether the page request arrived over https (directly or through a proxy that says so). */
export function servedOverHttps(url: string, forwardedProto: string | null): boolean {
  const proto = forwardedProto?.split(",")[0]?.trim().toLowerCase();
  return proto ? proto === "https" : new URL(url).protocol === "https:";
}
