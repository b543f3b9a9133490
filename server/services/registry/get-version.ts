import type { z } from "zod";
import type { ReadContext } from "@/server/services/context";
import { modelNotFound, versionNotFound } from "@/server/services/registry/find-model";
import { parseInput } from "@/server/services/parse-input";
import { getReferenceProfile } from "@/server/services/registry/reference-sample";
import { modelRefSchema, type versionDetailOutput } from "@/server/services/registry/schemas";
import { versionNumberSchema } from "@/contracts/registry";
import { readSignature, toVersionView, versionSelect } from "@/server/services/registry/version-view";
import { readSla } from "@/server/services/registry/version-sla";

/** One version in full: signature, drift reference profile, metrics snapshot, artifact, source run and its aliases. */
export async function getVersion(
  ctx: ReadContext,
  name: string,
  version: number,
): Promise<z.infer<typeof versionDetailOutput>> {
  const modelName = parseInput(modelRefSchema, name);
  const number = parseInput(versionNumberSchema, version);
  const model = await ctx.db.registeredModel.findUnique({
    where: { name: modelName },
    select: {
      id: true,
      name: true,
      taskType: true,
      isDemo: true,
      latestVersion: true,
      team: { select: { name: true } },
    },
  });
  if (!model) throw modelNotFound(modelName);
  const row = await ctx.db.modelVersion.findUnique({
    where: { modelId_version: { modelId: model.id, version: number } },
    select: { ...versionSelect, signature: true, sla: true },
  });
  if (!row) throw versionNotFound(modelName, number);
  return {
    ...toVersionView(row),
    signature: readSignature(row.signature),
    sla: readSla(row.sla),
    referenceProfile: await getReferenceProfile(ctx, row.id),
    model: {
      name: model.name,
      team: model.team.name,
      taskType: model.taskType,
      isDemo: model.isDemo,
      latestVersion: model.latestVersion,
    },
  };
}
