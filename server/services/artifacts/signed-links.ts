import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "@/server/errors";
import { SHA256_HEX } from "@/server/services/artifacts/artifact-store";
import type { SystemContext } from "@/server/services/context";

/*
 * Signed, expiring links to an artifact's bytes, for machines that hold no portal credential (a model pod's init
 * container): GET /api/v1/artifacts/<sha256>/download?expires=<unix seconds>&signature=<base64url HMAC-SHA256>.
 * The signature covers the digest and the expiry, so neither can be changed without the secret.
 */

export type ArtifactLinkQuery = { expires: string; signature: string };
export type ArtifactLinkSettings = { secret: string; ttlSeconds: number };

const DOMAIN = "modelport-artifact-download-v1";

function sign(sha256: string, expires: string, secret: string): string {
  return createHmac("sha256", secret).update(`${DOMAIN}\n${sha256}\n${expires}`).digest("base64url");
}

/**
 * The end of the TTL window after the current one. Every link made within one window is identical, so re-applying an
 * endpoint does not change its pod template (a new URL would roll the pods); a link stays valid one to two TTLs.
 */
export function linkExpiry(now: Date, ttlSeconds: number): number {
  return (Math.floor(now.getTime() / 1000 / ttlSeconds) + 2) * ttlSeconds;
}

/** An absolute link under `baseUrl` (the portal's URL, which may carry a path prefix). */
export function signedArtifactUrl(
  baseUrl: string,
  sha256: string,
  { secret, ttlSeconds }: ArtifactLinkSettings,
  now: Date,
): string {
  if (!SHA256_HEX.test(sha256)) throw new AppError("BAD_REQUEST", "Not a sha256 digest");
  const expires = String(linkExpiry(now, ttlSeconds));
  const url = new URL(`api/v1/artifacts/${sha256}/download`, baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
  url.searchParams.set("expires", expires);
  url.searchParams.set("signature", sign(sha256, expires, secret));
  return url.toString();
}

/** Throws FORBIDDEN unless the link was signed with `secret` for this digest and has not expired at `now`. */
export function verifyArtifactLink(sha256: string, link: ArtifactLinkQuery, secret: string, now: Date): void {
  const expected = Buffer.from(sign(sha256, link.expires, secret));
  const given = Buffer.from(link.signature);
  // Lengths are public (every signature is 43 characters); only equal-length buffers are compared, in constant time.
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new AppError("FORBIDDEN", "This download link is not valid");
  if (!/^\d{1,15}$/.test(link.expires) || Number(link.expires) * 1000 <= now.getTime())
    throw new AppError("FORBIDDEN", "This download link has expired");
}

/** Streams the blob behind a valid link: 403 for a bad or expired link (checked first), 404 for an unknown blob. */
export async function signedArtifactDownload(
  ctx: Pick<SystemContext, "artifacts" | "clock" | "settings">,
  sha256: string,
  link: ArtifactLinkQuery,
): Promise<Response> {
  verifyArtifactLink(sha256, link, ctx.settings.artifactUrlSecret, ctx.clock());
  const body = await ctx.artifacts.get(sha256);
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "application/octet-stream",
      "content-disposition": `attachment; filename="${sha256}"`,
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
      etag: `"${sha256}"`,
      "x-artifact-sha256": sha256,
    },
  });
}
