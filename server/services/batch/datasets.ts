import { datasetFileNameSchema } from "@/contracts/batch-jobs";
import { AppError, badRequest, notFound } from "@/server/errors";
import { tooLarge } from "@/server/services/artifacts/artifact-store";
import { recordAudit } from "@/server/services/audit/record-audit";
import { BatchInputError } from "@/server/services/batch/batch-columns";
import { readHeader } from "@/server/services/batch/read-header";
import type { DatasetView } from "@/server/services/batch/schemas";
import type { ServiceContext } from "@/server/services/context";

/** Where a model's datasets are named: a job may only score a dataset uploaded for its own model. */
export const datasetFolder = (modelId: string) => `datasets/${modelId}/`;

export type UploadDatasetInput = {
  modelName: string;
  fileName: string | null | undefined;
  body: ReadableStream<Uint8Array> | null;
  /** The Content-Length the client declared, if any: an oversized upload fails before any byte is read. */
  declaredBytes?: number;
};

/**
 * Stores a CSV dataset to score (raw bytes, streamed, ≤ ARTIFACT_MAX_BYTES) for a model, after checking it has a
 * header of column names. A refused upload writes no row. Returns the dataset with its columns.
 */
export async function uploadDataset(ctx: ServiceContext, input: UploadDatasetInput): Promise<DatasetView> {
  const fileName = datasetFileNameSchema.safeParse(input.fileName ?? "");
  if (!fileName.success) throw badRequest(`fileName: ${fileName.error.issues[0]?.message}`);
  const maxBytes = ctx.settings.artifactMaxBytes;
  if (input.declaredBytes !== undefined && input.declaredBytes > maxBytes) throw tooLarge(maxBytes);
  const model = await ctx.db.registeredModel.findUnique({ where: { name: input.modelName }, select: { id: true } });
  if (!model) throw notFound(`Model "${input.modelName}"`);
  if (!input.body) throw badRequest("Send the CSV file's bytes as the request body");
  const blob = await ctx.artifacts.put(input.body, { maxBytes });
  let columns: string[];
  try {
    columns = (await readHeader(ctx.artifacts, blob.sha256, blob.sizeBytes)).fields.map((name) => name.trim());
  } catch (error) {
    if (error instanceof BatchInputError) throw new AppError("UNPROCESSABLE", error.message);
    throw error;
  }
  const artifact = await ctx.db.$transaction(async (tx) => {
    const created = await tx.artifact.create({
      data: {
        path: `${datasetFolder(model.id)}${fileName.data}`,
        sha256: blob.sha256,
        sizeBytes: blob.sizeBytes,
        contentType: "text/csv",
        createdById: ctx.actor.userId,
      },
    });
    await recordAudit(tx, ctx.actor, {
      action: "dataset.upload",
      entityType: "Artifact",
      entityId: created.id,
      after: { modelName: input.modelName, fileName: fileName.data, sizeBytes: blob.sizeBytes },
    });
    return created;
  });
  return { id: artifact.id, path: artifact.path, sizeBytes: blob.sizeBytes, sha256: blob.sha256, columns };
}
