import { randomBytes } from "node:crypto";
import { db } from "@/server/db/client";
import type { ServiceContext } from "@/server/services/context";
import { createModel } from "@/server/services/registry/create-model";
import { onnxModel } from "@/tests/integration/support/model-artifacts";

export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;

/**
 * A finished run (or one still RUNNING, to upload more artifacts to) in a fresh experiment, with the given latest
 * metric values and artifacts (stored for real).
 */
export async function givenRun(
  ctx: ServiceContext,
  options: {
    metrics?: Record<string, number>;
    artifacts?: Record<string, string | Uint8Array>;
    status?: "RUNNING" | "FINISHED";
  } = {},
) {
  const experiment = await db().experiment.create({ data: { name: unique("exp"), createdById: ctx.actor.userId } });
  const run = await db().run.create({
    data: {
      experimentId: experiment.id,
      name: unique("run"),
      status: options.status ?? "FINISHED",
      userId: ctx.actor.userId,
    },
  });
  for (const [key, value] of Object.entries(options.metrics ?? {})) {
    await db().metricSeries.create({
      data: { runId: run.id, key, lastValue: value, lastStep: 10, minValue: value, maxValue: value, pointCount: 1 },
    });
  }
  const artifacts: Record<string, { id: string; sha256: string }> = {};
  for (const [path, content] of Object.entries(options.artifacts ?? {})) {
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    const blob = await ctx.artifacts.put(new Blob([new Uint8Array(bytes)]).stream(), {
      maxBytes: ctx.settings.artifactMaxBytes,
    });
    artifacts[path] = await db().artifact.create({
      data: {
        runId: run.id,
        path,
        sha256: blob.sha256,
        sizeBytes: BigInt(blob.sizeBytes),
        createdById: ctx.actor.userId,
      },
      select: { id: true, sha256: true },
    });
  }
  return { experiment, run, artifacts };
}

/** A run holding a new real ONNX model at model.onnx (see onnxModel), ready to register with format ONNX. */
export function givenOnnxRun(
  ctx: ServiceContext,
  options: { metrics?: Record<string, number>; artifacts?: Record<string, string | Uint8Array> } = {},
) {
  return givenRun(ctx, { ...options, artifacts: { "model.onnx": onnxModel(), ...options.artifacts } });
}

export async function givenModel(ctx: ServiceContext, overrides: { name?: string; tags?: string[] } = {}) {
  return createModel(ctx, {
    name: overrides.name ?? unique("model"),
    taskType: "CLASSIFICATION",
    tags: overrides.tags,
  });
}

/** Row counts of everything the registry writes, to prove a refused request wrote nothing. */
export async function registryCounts() {
  const [models, versions, aliases, aliasEvents, audits] = await Promise.all([
    db().registeredModel.count(),
    db().modelVersion.count(),
    db().modelAlias.count(),
    db().aliasEvent.count(),
    db().auditLog.count(),
  ]);
  return { models, versions, aliases, aliasEvents, audits };
}

export async function latestVersionCounter(name: string) {
  return (await db().registeredModel.findUniqueOrThrow({ where: { name }, select: { latestVersion: true } }))
    .latestVersion;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
