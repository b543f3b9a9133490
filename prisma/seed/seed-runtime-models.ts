import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { BuiltModel } from "@/training/catalog";
import { writeModels, type ManifestEntry } from "@/training/write-models";
import type { Db } from "@/server/db/client";
import { createApiToken, revokeApiToken } from "@/server/services/admin/api-tokens";
import type { ServiceContext } from "@/server/services/context";
import { decidePromotion, requestPromotion } from "@/server/services/deployments/promotions";
import { seedRestClient } from "@/prisma/seed/seed-rest-client";

/** Which demo model each real ONNX model (built from synthetic data in training/) becomes a version of, in order. */
const REAL_MODELS = [
  { built: "fraud-gbt", model: "fraud-detector-xgb", team: "fraud" },
  { built: "delivery-time-gbt", model: "delivery-time-estimator", team: "logistics" },
  { built: "fraud-logreg", model: "fraud-detector-xgb", team: "fraud" },
] as const;

/** A team's data scientist (registers and asks) and a second person of the same team (approves production). */
type TeamPeople = { scientist: ServiceContext; reviewer: ServiceContext };
/** Only the owning team may change a model, so each team's people release their own team's model. */
export type SeedTeams = Record<(typeof REAL_MODELS)[number]["team"], TeamPeople>;

type Built = (typeof REAL_MODELS)[number]["built"];
type RestCall = ReturnType<typeof seedRestClient>;

/** Run, params and metrics, the ONNX file and its training sample, then the version: what a training pipeline sends. */
async function registerThroughRest(call: RestCall, directory: string, entry: ManifestEntry, modelName: string) {
  const run = await call<{ id: string }>("POST", "/runs", {
    json: {
      experimentName: `${modelName}-training`,
      name: `${entry.name}-onnx`,
      tags: { demo: "true", algorithm: entry.algorithm, dataset: entry.dataset },
    },
  });
  await call("POST", `/runs/${run.id}/log`, {
    json: {
      params: { algorithm: entry.algorithm, train_rows: entry.trainRows, test_rows: entry.testRows },
      metrics: Object.entries(entry.metrics).map(([key, value]) => ({ key, value, step: 0 })),
    },
  });
  const upload = async (file: string, artifactPath: string, contentType: string) =>
    call("POST", `/runs/${run.id}/artifacts?path=${encodeURIComponent(artifactPath)}`, {
      bytes: await readFile(path.join(directory, file)),
      contentType,
    });
  await upload(entry.file, "model.onnx", "application/octet-stream");
  await upload(entry.trainingSample, "training-sample.csv", "text/csv");
  await call("POST", `/runs/${run.id}/finish`, { json: { status: "FINISHED" } });
  const version = await call<{ version: number }>("POST", `/models/${encodeURIComponent(modelName)}/versions`, {
    json: {
      runId: run.id,
      artifactPath: "model.onnx",
      format: "ONNX",
      signature: entry.signature,
      description: `${entry.description} Real ONNX model trained on deterministic synthetic data (${entry.algorithm}).`,
    },
  });
  return version.version;
}

/** Registers one real model through the REST API with a short-lived pipeline token of the scientist's, revoked after. */
async function registerAsScientist(
  scientist: ServiceContext,
  directory: string,
  entry: ManifestEntry,
  modelName: string,
): Promise<number> {
  const { token, secret } = await createApiToken(scientist, {
    name: "Demo seed pipeline",
    scopes: ["read", "runs:write", "models:write"],
    expiresInDays: 1,
  });
  try {
    return await registerThroughRest(seedRestClient(secret), directory, entry, modelName);
  } finally {
    await revokeApiToken(scientist, token.id);
  }
}

/** Registers every real model, in order, each by a data scientist of the model's team. */
async function registerAll(teams: SeedTeams, directory: string, manifest: ManifestEntry[]) {
  const versions = new Map<Built, number>();
  for (const { built, model, team } of REAL_MODELS) {
    const entry = manifest.find((m) => m.name === built);
    if (!entry) throw new Error(`training/ builds no ${built}`);
    versions.set(built, await registerAsScientist(teams[team].scientist, directory, entry, model));
  }
  return versions;
}

const DEMO_REASON = "Demo: serve the real ONNX model on the local runtime";

async function toStaging(scientist: ServiceContext, modelName: string, version: number) {
  const { deploymentId } = await requestPromotion(scientist, {
    modelName,
    version,
    environment: "STAGING",
    target: "LOCAL",
    strategy: { kind: "all-at-once" },
    reason: DEMO_REASON,
  });
  if (!deploymentId) throw new Error(`Staging promotion of ${modelName} v${version} was not queued`);
  return deploymentId;
}

/** Production needs a second person: the scientist asks, the reviewer approves through the service the UI calls. */
async function toProduction(people: TeamPeople, modelName: string, version: number) {
  const { promotion } = await requestPromotion(people.scientist, {
    modelName,
    version,
    environment: "PRODUCTION",
    target: "LOCAL",
    strategy: { kind: "all-at-once" },
    reason: "Demo: the real ONNX model goes to production on the local runtime",
  });
  await decidePromotion(people.reviewer, {
    promotionId: promotion.id,
    approve: true,
    comment: "Demo: checked the offline metrics",
  });
}

/**
 * Registers the real ONNX models through the REST API (as versions of two demo models) and asks for them to be
 * served on the local runtime: the GBT fraud model and the delivery model in staging and, approved by a reviewer,
 * in production; the worker deploys them once it runs. Answers the built models (with their held-out test rows). The
 * later logistic-regression fraud version challenges the GBT one in staging through the demo A/B test
 * (demo-ab-test-main.ts, run by start.sh once the worker serves staging and the DEMO generator reported outcomes).
 */
export async function seedRuntimeModels(database: Db, teams: SeedTeams): Promise<BuiltModel[]> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "modelport-seed-models-"));
  try {
    const { manifest, models } = await writeModels(directory);
    const versions = await registerAll(teams, directory, manifest);
    const version = (built: Built) => versions.get(built) ?? 0;
    await toStaging(teams.fraud.scientist, "fraud-detector-xgb", version("fraud-gbt"));
    await toStaging(teams.logistics.scientist, "delivery-time-estimator", version("delivery-time-gbt"));
    await toProduction(teams.fraud, "fraud-detector-xgb", version("fraud-gbt"));
    await toProduction(teams.logistics, "delivery-time-estimator", version("delivery-time-gbt"));
    await database.experiment.updateMany({
      where: { name: { in: REAL_MODELS.map((m) => `${m.model}-training`) } },
      data: { isDemo: true },
    });
    return models;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
