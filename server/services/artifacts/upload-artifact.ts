import type { RunStatus } from "@/server/db/generated/client";
import { AppError, conflict, isUniqueViolation, notFound } from "@/server/errors";
import { lockRun } from "@/server/services/experiments/lock-run";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import { validateArtifactPath, validateContentType } from "@/server/services/artifacts/artifact-path";
import { tooLarge } from "@/server/services/artifacts/artifact-store";

export type UploadArtifactInput = {
  runId: string;
  path: string | null | undefined;
  contentType?: string | null;
  body: ReadableStream<Uint8Array> | null;
  /** The Content-Length the client declared, if any: lets an oversized upload fail before any byte is read. */
  declaredBytes?: number;
};

export type ArtifactView = {
  id: string;
  runId: string | null;
  path: string;
  sizeBytes: number;
  sha256: string;
  contentType: string;
  createdAt: Date;
};

const emptyBody = () => new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });

const duplicatePath = (path: string) => conflict(`This run already has an artifact at "${path}"`);

/** Files belong to a run while it runs; a FINISHED, FAILED or KILLED run's artifacts are a closed record. */
function assertAcceptsUploads(run: { id: string; status: RunStatus }) {
  if (run.status !== "RUNNING") {
    throw conflict(`Run ${run.id} is ${run.status}; only RUNNING runs accept artifact uploads`);
  }
}

/**
 * Streams an upload into the content-addressed store (identical bytes are stored once) and names it in
 * the run. Everything is checked before the body is read; a failed upload writes no row and no file.
 */
export async function uploadArtifact(ctx: ServiceContext, input: UploadArtifactInput): Promise<ArtifactView> {
  const path = validateArtifactPath(input.path);
  const contentType = validateContentType(input.contentType);
  if (contentType.startsWith("multipart/") || contentType.startsWith("application/x-www-form-urlencoded")) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the raw file bytes as the body, not a form");
  }
  const maxBytes = ctx.settings.artifactMaxBytes;
  if (input.declaredBytes !== undefined && input.declaredBytes > maxBytes) throw tooLarge(maxBytes);
  const run = await ctx.db.run.findUnique({ where: { id: input.runId }, select: { id: true, status: true } });
  if (!run) throw notFound("Run");
  assertAcceptsUploads(run);
  const existing = await ctx.db.artifact.findUnique({
    where: { runId_path: { runId: run.id, path } },
    select: { id: true },
  });
  if (existing) throw duplicatePath(path);

  const blob = await ctx.artifacts.put(input.body ?? emptyBody(), { maxBytes });
  const artifact = await ctx.db
    .$transaction(async (tx) => {
      assertAcceptsUploads(await lockRun(tx, run.id));
      const created = await tx.artifact.create({
        data: {
          runId: run.id,
          path,
          sha256: blob.sha256,
          sizeBytes: BigInt(blob.sizeBytes),
          contentType,
          createdById: ctx.actor.userId,
        },
      });
      await recordAudit(tx, ctx.actor, {
        action: "artifact.create",
        entityType: "Artifact",
        entityId: created.id,
        after: { runId: run.id, path, sha256: blob.sha256, sizeBytes: blob.sizeBytes, contentType },
      });
      return created;
    })
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? duplicatePath(path) : error;
    });
  return { ...artifact, sizeBytes: Number(artifact.sizeBytes) };
}
