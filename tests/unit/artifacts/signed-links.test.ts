import { describe, expect, it } from "vitest";
import { linkExpiry, signedArtifactUrl, verifyArtifactLink } from "@/server/services/artifacts/signed-links";

const SHA = "c".repeat(64);
const SECRET = "s".repeat(40);
const DAY = 24 * 3600;
const NOW = new Date("2026-03-10T12:00:00Z");
const settings = { secret: SECRET, ttlSeconds: 30 * DAY };

function linkOf(url: string) {
  const parsed = new URL(url);
  return {
    path: parsed.pathname,
    expires: parsed.searchParams.get("expires") ?? "",
    signature: parsed.searchParams.get("signature") ?? "",
  };
}

describe("signed artifact links", () => {
  it("are absolute links to the digest's download route, under the portal's base path", () => {
    const url = signedArtifactUrl("https://portal.example.test/modelport", SHA, settings, NOW);
    expect(url).toMatch(
      new RegExp(
        `^https://portal\\.example\\.test/modelport/api/v1/artifacts/${SHA}/download\\?expires=\\d+&signature=[\\w-]{43}$`,
      ),
    );
    expect(signedArtifactUrl("https://portal.example.test/", SHA, settings, NOW)).toMatch(
      /^https:\/\/portal\.example\.test\/api\/v1\/artifacts\//,
    );
  });

  it("verify for the digest they were made for until they expire", () => {
    const link = linkOf(signedArtifactUrl("https://portal.example.test", SHA, settings, NOW));
    expect(() => verifyArtifactLink(SHA, link, SECRET, NOW)).not.toThrow();
    const expiry = new Date(Number(link.expires) * 1000);
    expect(() => verifyArtifactLink(SHA, link, SECRET, new Date(expiry.getTime() - 1000))).not.toThrow();
    expect(() => verifyArtifactLink(SHA, link, SECRET, expiry)).toThrow(
      expect.objectContaining({ code: "FORBIDDEN", message: "This download link has expired" }),
    );
  });

  it.each([
    ["another digest", { sha: "d".repeat(64) }],
    ["a later expiry", { expires: (e: string) => String(Number(e) + 1) }],
    ["an expiry written differently", { expires: (e: string) => `0${e}` }],
    ["a changed signature", { signature: (s: string) => `${s.slice(0, -1)}${s.endsWith("A") ? "B" : "A"}` }],
    ["a truncated signature", { signature: (s: string) => s.slice(0, 20) }],
    ["an empty signature", { signature: () => "" }],
  ])(
    "refuse %s",
    (_case, change: { sha?: string; expires?: (e: string) => string; signature?: (s: string) => string }) => {
      const link = linkOf(signedArtifactUrl("https://portal.example.test", SHA, settings, NOW));
      const tampered = {
        expires: change.expires ? change.expires(link.expires) : link.expires,
        signature: change.signature ? change.signature(link.signature) : link.signature,
      };
      expect(() => verifyArtifactLink(change.sha ?? SHA, tampered, SECRET, NOW)).toThrow(
        expect.objectContaining({ code: "FORBIDDEN", message: "This download link is not valid" }),
      );
    },
  );

  it("refuse links signed with another secret", () => {
    const link = linkOf(
      signedArtifactUrl("https://portal.example.test", SHA, { ...settings, secret: "t".repeat(40) }, NOW),
    );
    expect(() => verifyArtifactLink(SHA, link, SECRET, NOW)).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
  });

  it("stay the same within a TTL window and last one to two TTLs", () => {
    const ttl = 30 * DAY;
    const windowStart = new Date(Math.floor(NOW.getTime() / 1000 / ttl) * ttl * 1000);
    const windowEnd = new Date(windowStart.getTime() + ttl * 1000 - 1000);
    expect(signedArtifactUrl("https://p.example.test", SHA, settings, windowStart)).toBe(
      signedArtifactUrl("https://p.example.test", SHA, settings, windowEnd),
    );
    for (const now of [windowStart, NOW, windowEnd]) {
      const remaining = linkExpiry(now, ttl) - now.getTime() / 1000;
      expect(remaining).toBeGreaterThan(ttl);
      expect(remaining).toBeLessThanOrEqual(2 * ttl);
    }
    const nextWindow = new Date(windowStart.getTime() + ttl * 1000);
    expect(signedArtifactUrl("https://p.example.test", SHA, settings, nextWindow)).not.toBe(
      signedArtifactUrl("https://p.example.test", SHA, settings, NOW),
    );
  });

  it("are only made for sha256 digests", () => {
    expect(() => signedArtifactUrl("https://p.example.test", "../etc/passwd", settings, NOW)).toThrow(/sha256/);
  });
});
