import type { z } from "zod";
import { Prisma } from "@/server/db/generated/client";
import { conflict, notFound } from "@/server/errors";
import type { ServiceContext } from "@/server/services/context";
import { recordAudit } from "@/server/services/audit/record-audit";
import { checkVersionArtifact } from "@/server/services/registry/check-artifact";
import { findModelId, lockModel } from "@/server/services/registry/find-model";
import { snapshotFromSeries } from "@/server/services/registry/metrics-snapshot";
import { parseInput } from "@/server/services/parse-input";
import { referenceProfileFromRun, storeReferenceProfile } from "@/server/services/registry/reference-sample";
import { modelRefSchema, registerVersionInput, type registeredVersionOutput } from "@/server/services/registry/schemas";
import { toVersionView, versionSelect } from "@/server/services/registry/version-view";

type Tx = Prisma.TransactionClient;
type RunArtifact = { id: string; path: string; sha256: string };

/** Waiting for another registration of the same model counts against the transaction's time. */
const REGISTRATION_TIMEOUT_MS = 15_000;

async function findRunArtifact(ctx: Pick<ServiceContext, "db">, runId: string, path: string): Promise<RunArtifact> {
  const run = await ctx.db.run.findUnique({ where: { id: runId }, select: { id: true } });
  if (!run) throw notFound(`Run "${runId}"`);
  const artifact = await ctx.db.artifact.findUnique({
    where: { runId_path: { runId, path } },
    select: { id: true, path: true, sha256: true },
  });
  if (!artifact) throw notFound(`Artifact "${path}" in run "${runId}"`);
  return artifact;
}

/** The same bytes (by sha256) must not become two versions of a model. */
async function assertNotDuplicate(tx: Tx, model: { id: string; name: string }, artifact: RunArtifact) {
  const same = await tx.modelVersion.findFirst({
    where: { modelId: model.id, artifact: { sha256: artifact.sha256 } },
    select: { version: true },
  });
  if (same) {
    throw conflict(
      `This artifact (sha256 ${artifact.sha256.slice(0, 12)}…) is already version ${same.version} of "${model.name}"`,
    );
  }
}

/** Takes the next version number; the row lock held by lockModel makes it unique and gap-free. */
async function nextVersionNumber(tx: Tx, modelId: string, now: Date): Promise<number> {
  const rows = await tx.$queryRaw<{ latestVersion: number }[]>`
    UPDATE "RegisteredModel" SET "latestVersion" = "latestVersion" + 1, "updatedAt" = ${now}
    WHERE "id" = ${modelId} RETURNING "latestVersion"`;
  const next = rows[0]?.latestVersion;
  if (next === undefined) throw new Error(`Model ${modelId} vanished while locked`);
  return next;
}

export async function registerVersion(
  ctx: ServiceContext,
  name: string,
  rawInput: z.input<typeof registerVersionInput>,
): Promise<z.infer<typeof registeredVersionOutput>> {
  const modelName = parseInput(modelRefSchema, name);
  const input = parseInput(registerVersionInput, rawInput);
  // Everything slow (loading the model, reading archives and the sample) happens before the model is locked, and a
  // refusal writes nothing. A duplicate is answered first, without reading the artifact.
  const model = { id: await findModelId(ctx, modelName), name: modelName };
  const artifact = await findRunArtifact(ctx, input.runId, input.artifactPath);
  await assertNotDuplicate(ctx.db, model, artifact);
  const { signature, llm } = await checkVersionArtifact(ctx, input.format, artifact, input.signature);
  const profile = await referenceProfileFromRun(ctx, input.runId, signature, input.referenceSamplePath);
  return ctx.db.$transaction(
    async (tx) => {
      const locked = await lockModel(tx, modelName);
      await assertNotDuplicate(tx, locked, artifact);
      const series = await tx.metricSeries.findMany({
        where: { runId: input.runId },
        select: { key: true, lastValue: true },
      });

      const now = new Date();
      const number = await nextVersionNumber(tx, locked.id, now);
      const version = await tx.modelVersion.create({
        data: {
          modelId: locked.id,
          version: number,
          sourceRunId: input.runId,
          artifactId: artifact.id,
          format: input.format,
          signature: signature ?? {},
          metricsSnapshot: snapshotFromSeries(series),
          description: input.description ?? "",
          ...(input.sla && Object.keys(input.sla).length > 0 && { sla: input.sla }),
          ...(llm && { llmShape: llm.shape ?? Prisma.DbNull, weightBytes: BigInt(llm.weightBytes) }),
          createdById: ctx.actor.userId,
          createdAt: now,
        },
        select: versionSelect,
      });
      if (profile) await storeReferenceProfile(tx, version.id, profile);
      await recordAudit(tx, ctx.actor, {
        action: "version.create",
        entityType: "ModelVersion",
        entityId: version.id,
        after: {
          model: locked.name,
          version: number,
          runId: input.runId,
          artifactId: artifact.id,
          sha256: artifact.sha256,
          format: input.format,
          signature: input.signature ? "given" : signature ? "read from the model" : null,
          ...(input.sla && { sla: input.sla }),
          ...(llm && { llm: { shape: llm.shape ? "read from config.json" : null, weightBytes: llm.weightBytes } }),
          referenceProfile: profile
            ? { sample: profile.artifactPath, sampleSize: profile.sampleSize, features: profile.features.length }
            : null,
        },
      });
      return { model: locked.name, ...toVersionView(version) };
    },
    { timeout: REGISTRATION_TIMEOUT_MS },
  );
}
