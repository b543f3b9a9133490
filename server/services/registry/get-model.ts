import type { z } from "zod";
import type { ReadContext } from "@/server/services/context";
import { aliasEventsOf } from "@/server/services/registry/alias-history";
import { modelNotFound } from "@/server/services/registry/find-model";
import { pickKeyMetrics } from "@/server/services/registry/metrics-snapshot";
import { parseInput } from "@/server/services/parse-input";
import { modelRefSchema, VERSIONS_ON_MODEL_PAGE, type modelDetailOutput } from "@/server/services/registry/schemas";
import { classesOf } from "@/contracts/outcomes";
import { versionsPage } from "@/server/services/registry/list-versions";

const HISTORY_ON_MODEL_PAGE = 100;

async function currentAliases(ctx: ReadContext, modelId: string) {
  const aliases = await ctx.db.modelAlias.findMany({
    where: { modelId },
    orderBy: { alias: "asc" },
    select: { alias: true, updatedAt: true, updatedById: true, version: { select: { version: true } } },
  });
  const people = await ctx.db.user.findMany({
    where: { id: { in: [...new Set(aliases.map((a) => a.updatedById))] } },
    select: { id: true, name: true },
  });
  const byId = new Map(people.map((p) => [p.id, p]));
  return aliases.map((a) => ({
    alias: a.alias,
    version: a.version.version,
    updatedAt: a.updatedAt,
    updatedBy: byId.get(a.updatedById) ?? null,
  }));
}

/** A model with its newest versions (key metrics, lineage), current aliases and recent alias history. */
export async function getModel(ctx: ReadContext, name: string): Promise<z.infer<typeof modelDetailOutput>> {
  const modelName = parseInput(modelRefSchema, name);
  const model = await ctx.db.registeredModel.findUnique({
    where: { name: modelName },
    select: {
      id: true,
      name: true,
      taskType: true,
      tags: true,
      description: true,
      latestVersion: true,
      isDemo: true,
      outcomeClasses: true,
      decisionThreshold: true,
      labelDelayMinutes: true,
      createdAt: true,
      updatedAt: true,
      team: { select: { id: true, name: true } },
      createdBy: { select: { id: true, name: true } },
    },
  });
  if (!model) throw modelNotFound(modelName);
  // The versions are read apart from the model: as a nested relation with a limit, Prisma's query took ~50 ms for a
  // model of 10 versions and ~250 ms for one of 10,000 (bench/registry), against ~5 ms for this page.
  const [{ items: versions }, versionCount, aliases, history] = await Promise.all([
    versionsPage(ctx, model.id, null, VERSIONS_ON_MODEL_PAGE),
    ctx.db.modelVersion.count({ where: { modelId: model.id } }),
    currentAliases(ctx, model.id),
    aliasEventsOf(ctx, model.id, undefined, HISTORY_ON_MODEL_PAGE),
  ]);
  const { outcomeClasses, decisionThreshold, ...fields } = model;
  return {
    ...fields,
    outcome:
      model.taskType === "CLASSIFICATION" ? { classes: [...classesOf(outcomeClasses)], decisionThreshold } : null,
    latestVersion: model.latestVersion > 0 ? model.latestVersion : null,
    versions,
    versionCount,
    keyMetrics: pickKeyMetrics(versions.map((v) => v.metrics)),
    aliases,
    aliasHistory: history,
  };
}
