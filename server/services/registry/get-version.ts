import type { ReadContext } from "../context";
import { modelNotFound, versionNotFound } from "./find-model";
import { parseInput } from "../parse-input";
import { modelRefSchema, versionNumberSchema } from "./schemas";
import { readSignature, toVersionView, versionSelect } from "./version-view";

/** One version in full: signature, metrics snapshot, artifact, source run and the aliases on it. */
export async function getVersion(ctx: ReadContext, name: string, version: number) {
  const modelName = parseInput(modelRefSchema, name);
  const number = parseInput(versionNumberSchema, version);
  const model = await ctx.db.registeredModel.findUnique({
    where: { name: modelName },
    select: { id: true, name: true, taskType: true, isDemo: true, latestVersion: true, team: { select: { name: true } } },
  });
  if (!model) throw modelNotFound(modelName);
  const row = await ctx.db.modelVersion.findUnique({
    where: { modelId_version: { modelId: model.id, version: number } },
    select: { ...versionSelect, signature: true },
  });
  if (!row) throw versionNotFound(modelName, number);
  return {
    ...toVersionView(row),
    signature: readSignature(row.signature),
    model: { name: model.name, team: model.team.name, taskType: model.taskType, isDemo: model.isDemo, latestVersion: model.latestVersion },
  };
}
