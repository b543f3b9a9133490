import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { writeModels, type ManifestEntry } from "@/runtime/models/write-models";
import type { Db } from "@/server/db/client";
import { uploadArtifact } from "@/server/services/artifacts/upload-artifact";
import type { ServiceContext } from "@/server/services/context";
import { requestPromotion } from "@/server/services/deployments/promotions";
import { logBatch } from "@/server/services/experiments/log-batch";
import { createRun, finishRun } from "@/server/services/experiments/runs";
import { registerVersion } from "@/server/services/registry/register-version";

/** Which demo model each real ONNX model (built from synthetic data in runtime/models) becomes a version of. */
const REAL_MODELS = [
  { built: "fraud-gbt", model: "fraud-detector-xgb" },
  { built: "delivery-time-gbt", model: "delivery-time-estimator" },
] as const;

const fileStream = (file: string) => Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;

async function registerRealModel(ctx: ServiceContext, directory: string, entry: ManifestEntry, modelName: string) {
  const run = await createRun(ctx, {
    experimentName: `${modelName}-training`,
    name: `${entry.name}-onnx`,
    tags: { demo: "true", algorithm: entry.algorithm, dataset: entry.dataset },
  });
  await logBatch(ctx, run.id, {
    params: { algorithm: entry.algorithm, train_rows: entry.trainRows, test_rows: entry.testRows },
    metrics: Object.entries(entry.metrics).map(([key, value]) => ({ key, value, step: 0 })),
  });
  await uploadArtifact(ctx, { runId: run.id, path: "model.onnx", contentType: "application/octet-stream", body: fileStream(path.join(directory, entry.file)) });
  await uploadArtifact(ctx, { runId: run.id, path: "training-sample.csv", contentType: "text/csv", body: fileStream(path.join(directory, entry.trainingSample)) });
  await finishRun(ctx, run.id, { status: "FINISHED" });
  return registerVersion(ctx, modelName, {
    runId: run.id,
    artifactPath: "model.onnx",
    format: "ONNX",
    signature: entry.signature,
    description: `${entry.description} Real ONNX model trained on deterministic synthetic data (${entry.algorithm}).`,
  });
}

/**
 * Registers the real ONNX models as new versions of two demo models and asks for them to be deployed to staging
 * on the local runtime (staging needs no second approval); the worker deploys them once it runs.
 */
export async function seedRuntimeModels(database: Db, ctx: ServiceContext) {
  const directory = await mkdtemp(path.join(os.tmpdir(), "modelport-seed-models-"));
  try {
    const { manifest } = await writeModels(directory);
    for (const { built, model } of REAL_MODELS) {
      const entry = manifest.find((m) => m.name === built);
      if (!entry) throw new Error(`runtime/models builds no ${built}`);
      const version = await registerRealModel(ctx, directory, entry, model);
      await requestPromotion(ctx, {
        modelName: model,
        version: version.version,
        environment: "STAGING",
        target: "LOCAL",
        strategy: { kind: "all-at-once" },
        reason: "Demo: serve the real ONNX model on the local runtime",
      });
    }
    await database.experiment.updateMany({ where: { name: { in: REAL_MODELS.map((m) => `${m.model}-training`) } }, data: { isDemo: true } });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
