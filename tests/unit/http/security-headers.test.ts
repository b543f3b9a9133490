import { describe, expect, it } from "vitest";
import {
  API_CONTENT_SECURITY_POLICY,
  contentSecurityPolicy,
  newNonce,
  securityHeaderRules,
  servedOverHttps,
} from "@/server/http/security-headers";

const directives = (policy: string) =>
  Object.fromEntries(policy.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1).join(" ")]));

describe("contentSecurityPolicy", () => {
  it("allows only nonce-stamped scripts in production, and nothing may frame the page", () => {
    const csp = directives(contentSecurityPolicy({ nonce: "abc", development: false, https: false }));
    expect(csp["script-src"]).toBe("'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp["frame-ancestors"]).toBe("'none'");
    expect(csp["object-src"]).toBe("'none'");
    expect(csp["base-uri"]).toBe("'self'");
    expect(csp["form-action"]).toBe("'self'");
    expect(csp["style-src"]).toBe("'self' 'unsafe-inline'");
    expect(csp["connect-src"]).toBe("'self'");
    expect("upgrade-insecure-requests" in csp).toBe(false);
  });

  it("adds eval and the dev websocket only in development", () => {
    const csp = directives(contentSecurityPolicy({ nonce: "n", development: true, https: false }));
    expect(csp["script-src"]).toContain("'unsafe-eval'");
    expect(csp["connect-src"]).toBe("'self' ws: wss:");
  });

  it("lets the sign-in form go to the OIDC issuer, and upgrades sub-resources over https", () => {
    const policy = contentSecurityPolicy({
      nonce: "n",
      development: false,
      https: true,
      oidcIssuer: "https://login.example.com/realms/main",
    });
    expect(directives(policy)["form-action"]).toBe("'self' https://login.example.com");
    expect(policy.endsWith("upgrade-insecure-requests")).toBe(true);
  });

  it("ignores an issuer that is not a URL", () => {
    const policy = contentSecurityPolicy({ nonce: "n", development: false, https: false, oidcIssuer: "::" });
    expect(directives(policy)["form-action"]).toBe("'self'");
  });
});

describe("security header rules", () => {
  it("sends the common headers everywhere, a data-only CSP on /api and HSTS only over https", () => {
    const rules = securityHeaderRules();
    const everywhere = rules.find((r) => r.source === "/:path*" && !r.has)!;
    expect(Object.fromEntries(everywhere.headers.map((h) => [h.key, h.value]))).toMatchObject({
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "strict-origin-when-cross-origin",
    });
    expect(everywhere.headers.some((h) => h.key === "Permissions-Policy")).toBe(true);
    expect(rules.find((r) => r.source === "/api/:path*")!.headers).toEqual([
      { key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY },
    ]);
    const hsts = rules.find((r) => r.headers.some((h) => h.key === "Strict-Transport-Security"))!;
    expect(hsts.has).toEqual([{ type: "header", key: "x-forwarded-proto", value: "https" }]);
  });

  it("makes a fresh 128-bit nonce each time", () => {
    const nonces = new Set(Array.from({ length: 50 }, newNonce));
    expect(nonces.size).toBe(50);
    expect(Buffer.from([...nonces][0]!, "base64")).toHaveLength(16);
  });

  it("knows https from the forwarded protocol first, the URL second", () => {
    expect(servedOverHttps("http://portal/", "https")).toBe(true);
    expect(servedOverHttps("https://portal/", "http")).toBe(false);
    expect(servedOverHttps("https://portal/", null)).toBe(true);
    expect(servedOverHttps("http://portal/", "https, http")).toBe(true);
  });
});
