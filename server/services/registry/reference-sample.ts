import type { z } from "zod";
import { type Signature } from "@/contracts/signature";
import type { Prisma } from "@/server/db/generated/client";
import { AppError, badRequest, notFound } from "@/server/errors";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { computeReferenceProfile, type ReferenceProfileData } from "@/server/services/drift/reference-profile";
import { readSampleCsv } from "@/server/services/drift/sample-csv";
import type { referenceProfileOutput } from "@/server/services/registry/schemas";

/** The artifact a pipeline uploads for drift monitoring when it names no other. */
export const DEFAULT_REFERENCE_SAMPLE = "training-sample.csv";
/** Defaults of REFERENCE_SAMPLE_MAX_BYTES and _ROWS: larger samples add nothing to ten quantiles. */
export const MAX_REFERENCE_SAMPLE_BYTES = 64 * 1024 * 1024;
export const MAX_REFERENCE_SAMPLE_ROWS = 200_000;

/**
 * The reference profile of a version registered from `runId`: from the artifact at `samplePath` (which must exist),
 * else from the run's `training-sample.csv` if there is one, else none. A sample needs a signature to say which
 * columns are features; a sample that does not fit the signature fails with a 400.
 */
export async function referenceProfileFromRun(
  ctx: Pick<ServiceContext, "db" | "artifacts" | "settings">,
  runId: string,
  signature: Signature | undefined,
  samplePath: string | undefined,
): Promise<(ReferenceProfileData & { artifactPath: string }) | null> {
  const path = samplePath ?? DEFAULT_REFERENCE_SAMPLE;
  const artifact = await ctx.db.artifact.findUnique({
    where: { runId_path: { runId, path } },
    select: { sha256: true, sizeBytes: true },
  });
  if (!artifact) {
    if (samplePath) throw notFound(`Reference sample "${samplePath}" in run "${runId}"`);
    return null;
  }
  if (!signature) {
    if (!samplePath) return null;
    throw badRequest("A reference sample needs a signature to know which columns are the model's inputs");
  }
  const maxBytes = ctx.settings.referenceSampleMaxBytes ?? MAX_REFERENCE_SAMPLE_BYTES;
  if (artifact.sizeBytes > maxBytes) {
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      `Reference sample "${path}" is over ${Math.floor(maxBytes / 1024 / 1024)} MiB`,
      {
        code: "REFERENCE_SAMPLE_TOO_LARGE",
        maxBytes,
      },
    );
  }
  const { columns } = await readSampleCsv(await ctx.artifacts.get(artifact.sha256), {
    keep: new Set(signature.inputs.map((input) => input.name)),
    maxRows: ctx.settings.referenceSampleMaxRows ?? MAX_REFERENCE_SAMPLE_ROWS,
    maxBytes,
  });
  return { ...computeReferenceProfile(columns, signature), artifactPath: path };
}

export async function storeReferenceProfile(
  tx: Prisma.TransactionClient,
  versionId: string,
  profile: ReferenceProfileData,
) {
  await tx.referenceProfile.create({
    data: {
      versionId,
      sampleSize: profile.sampleSize,
      binCount: profile.binCount,
      features: {
        create: profile.features.map((feature) => ({
          name: feature.name,
          position: feature.position,
          kind: feature.kind,
          edges: feature.edges,
          categories: feature.categories,
          proportions: feature.proportions,
        })),
      },
    },
  });
}

/** A version's reference profile for display, features in signature order; null when none was computed. */
export async function getReferenceProfile(
  ctx: ReadContext,
  versionId: string,
): Promise<z.infer<typeof referenceProfileOutput> | null> {
  return ctx.db.referenceProfile.findUnique({
    where: { versionId },
    select: {
      sampleSize: true,
      binCount: true,
      createdAt: true,
      features: {
        orderBy: { position: "asc" },
        select: { name: true, position: true, kind: true, edges: true, categories: true, proportions: true },
      },
    },
  });
}
