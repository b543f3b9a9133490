import type { z } from "zod";
import type { Prisma } from "@/server/db/generated/client";
import { conflict, notFound } from "@/server/errors";
import type { ServiceContext } from "@/server/services/context";
import { recordAudit } from "@/server/services/audit/record-audit";
import { lockModel } from "@/server/services/registry/find-model";
import { snapshotFromSeries } from "@/server/services/registry/metrics-snapshot";
import { parseInput } from "@/server/services/parse-input";
import { referenceProfileFromRun, storeReferenceProfile } from "@/server/services/registry/reference-sample";
import { modelRefSchema, registerVersionInput, type registeredVersionOutput } from "@/server/services/registry/schemas";
import { toVersionView, versionSelect } from "@/server/services/registry/version-view";

type Tx = Prisma.TransactionClient;
type RunArtifact = { id: string; sha256: string };

/** Waiting for another registration of the same model counts against the transaction's time. */
const REGISTRATION_TIMEOUT_MS = 15_000;

async function findRunArtifact(tx: Tx, runId: string, path: string): Promise<RunArtifact> {
  const artifact = await tx.artifact.findUnique({
    where: { runId_path: { runId, path } },
    select: { id: true, sha256: true },
  });
  if (!artifact) throw notFound(`Artifact "${path}" in run "${runId}"`);
  return artifact;
}

/** The same bytes (by sha256), or the same run when there are no bytes, must not become two versions. */
async function assertNotDuplicate(
  tx: Tx,
  model: { id: string; name: string },
  runId: string,
  artifact: RunArtifact | null,
) {
  if (artifact) {
    const same = await tx.modelVersion.findFirst({
      where: { modelId: model.id, artifact: { sha256: artifact.sha256 } },
      select: { version: true },
    });
    if (same) {
      throw conflict(
        `This artifact (sha256 ${artifact.sha256.slice(0, 12)}…) is already version ${same.version} of "${model.name}"`,
      );
    }
    return;
  }
  const same = await tx.modelVersion.findFirst({
    where: { modelId: model.id, sourceRunId: runId },
    select: { version: true },
  });
  if (same) throw conflict(`Run "${runId}" is already registered as version ${same.version} of "${model.name}"`);
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
  // Read and checked before the model is locked: a bad sample writes nothing and holds no lock while it is parsed.
  const profile = await referenceProfileFromRun(ctx, input.runId, input.signature, input.referenceSamplePath);
  return ctx.db.$transaction(
    async (tx) => {
      const model = await lockModel(tx, modelName);
      const run = await tx.run.findUnique({ where: { id: input.runId }, select: { id: true } });
      if (!run) throw notFound(`Run "${input.runId}"`);
      const artifact = input.artifactPath ? await findRunArtifact(tx, run.id, input.artifactPath) : null;
      await assertNotDuplicate(tx, model, run.id, artifact);
      const series = await tx.metricSeries.findMany({
        where: { runId: run.id },
        select: { key: true, lastValue: true },
      });

      const now = new Date();
      const number = await nextVersionNumber(tx, model.id, now);
      const version = await tx.modelVersion.create({
        data: {
          modelId: model.id,
          version: number,
          sourceRunId: run.id,
          artifactId: artifact?.id ?? null,
          format: input.format,
          signature: input.signature ?? {},
          metricsSnapshot: snapshotFromSeries(series),
          description: input.description ?? "",
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
          model: model.name,
          version: number,
          runId: run.id,
          artifactId: artifact?.id ?? null,
          sha256: artifact?.sha256 ?? null,
          format: input.format,
          referenceProfile: profile
            ? { sample: profile.artifactPath, sampleSize: profile.sampleSize, features: profile.features.length }
            : null,
        },
      });
      return { model: model.name, ...toVersionView(version) };
    },
    { timeout: REGISTRATION_TIMEOUT_MS },
  );
}
