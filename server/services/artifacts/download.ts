import { notFound } from "@/server/errors";
import type { ServiceContext } from "@/server/services/context";

/** Reading artifacts needs the database and the store, not who asks (the caller has checked that). */
export type ArtifactReadContext = Pick<ServiceContext, "db" | "artifacts">;

/** Finds an artifact and opens its bytes. */
export async function openArtifact(ctx: ArtifactReadContext, artifactId: string) {
  const artifact = await ctx.db.artifact.findUnique({
    where: { id: artifactId },
    select: { id: true, path: true, sha256: true, sizeBytes: true, contentType: true },
  });
  if (!artifact) throw notFound("Artifact");
  return { artifact, body: await ctx.artifacts.get(artifact.sha256) };
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266). */
export function contentDisposition(artifactPath: string): string {
  const filename = artifactPath.split("/").pop() || "artifact";
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * The download response shared by the REST API and the browser route: streamed, never buffered.
 * Content is served as an attachment with nosniff, so an uploaded HTML file cannot run in our origin.
 * Next.js drops Content-Length from route-handler responses (it streams them chunked), so the size and
 * digest are repeated in x-artifact-* headers that survive, for progress bars and verification.
 */
export async function artifactDownloadResponse(ctx: ArtifactReadContext, artifactId: string): Promise<Response> {
  const { artifact, body } = await openArtifact(ctx, artifactId);
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": artifact.contentType,
      "content-length": artifact.sizeBytes.toString(),
      "content-disposition": contentDisposition(artifact.path),
      "x-content-type-options": "nosniff",
      "cache-control": "private, max-age=0, must-revalidate",
      etag: `"${artifact.sha256}"`,
      "x-artifact-size": artifact.sizeBytes.toString(),
      "x-artifact-sha256": artifact.sha256,
    },
  });
}
