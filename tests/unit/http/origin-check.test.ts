import { describe, expect, it } from "vitest";
import { checkSameOrigin, ownOrigins } from "@/server/http/origin-check";

const PORTAL = ["http://localhost:3000"];
const verdict = (headers: Record<string, string>) => checkSameOrigin(new Headers(headers), PORTAL);

describe("checkSameOrigin", () => {
  it("lets the portal's own pages through", () => {
    expect(verdict({ "sec-fetch-site": "same-origin", origin: "http://localhost:3000", cookie: "s=1" }).ok).toBe(true);
    expect(verdict({ "sec-fetch-site": "none", cookie: "s=1" }).ok).toBe(true);
    expect(verdict({ origin: "http://localhost:3000", cookie: "s=1" }).ok).toBe(true);
  });

  it("refuses cross-site and same-site requests by Sec-Fetch-Site", () => {
    expect(verdict({ "sec-fetch-site": "cross-site", cookie: "s=1" })).toEqual({
      ok: false,
      reason: "Sec-Fetch-Site is cross-site",
    });
    expect(verdict({ "sec-fetch-site": "same-site", origin: "http://localhost:3000" }).ok).toBe(false);
  });

  it("refuses a foreign or null Origin even when Sec-Fetch-Site is missing", () => {
    expect(verdict({ origin: "https://evil.example", cookie: "s=1" }).ok).toBe(false);
    expect(verdict({ origin: "null" }).ok).toBe(false);
    expect(verdict({ origin: "http://localhost:3001" }).ok).toBe(false);
  });

  it("allows requests with neither header only when they carry no cookie", () => {
    expect(verdict({}).ok).toBe(true);
    expect(verdict({ authorization: "Bearer x" }).ok).toBe(true);
    expect(verdict({ cookie: "next-auth.session-token=abc" }).ok).toBe(false);
  });
});

describe("ownOrigins", () => {
  it("takes the configured URL, the forwarded host and protocol, and the request's own origin", () => {
    const headers = new Headers({
      host: "internal:3000",
      "x-forwarded-host": "portal.example.com",
      "x-forwarded-proto": "https",
    });
    expect(ownOrigins("http://internal:3000/api/trpc/x", headers, "https://modelport.example.com/")).toEqual([
      "https://modelport.example.com",
      "https://portal.example.com",
      "http://internal:3000",
    ]);
  });

  it("falls back to the Host header and the URL's protocol, without duplicates", () => {
    expect(ownOrigins("http://localhost:3000/api/trpc/x", new Headers({ host: "localhost:3000" }))).toEqual([
      "http://localhost:3000",
    ]);
  });
});
