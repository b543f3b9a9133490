import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "vitest";
import type { ManifestEntry } from "@/training/write-models";
import { rowOf, splitDataset, type Dataset } from "@/training/dataset";
import { generateFraudTransactions } from "@/training/fraud-data";
import { MODEL_SIZES } from "@/training/catalog";
import { db } from "@/server/db/client";
import { callApi } from "@/tests/integration/fixtures";

/**
 * Registers a built ONNX model as a new version through the REST API, as a training pipeline would, with the run's
 * training sample uploaded as training-sample.csv (what the overlap check reads).
 */
export async function registerWithSample(token: string, modelName: string, entry: ManifestEntry, directory: string) {
  const run = await callApi("POST", "/runs", {
    token,
    json: { experimentName: `${modelName}-training`, name: `${entry.name}-${randomBytes(3).toString("hex")}` },
  });
  const runId = run.json.id as string;
  for (const [artifactPath, file] of [
    ["model.onnx", entry.file],
    ["training-sample.csv", entry.trainingSample],
  ] as const) {
    const upload = await callApi("POST", `/runs/${runId}/artifacts?path=${artifactPath}`, {
      token,
      body: await readFile(path.join(directory, file)),
      headers: { "content-type": "application/octet-stream" },
    });
    expect(upload.status).toBe(201);
  }
  await callApi("POST", `/runs/${runId}/finish`, { token, json: { status: "FINISHED" } });
  const version = await callApi("POST", `/models/${modelName}/versions`, {
    token,
    json: { runId, artifactPath: "model.onnx", format: "ONNX", signature: entry.signature },
  });
  expect(version.status).toBe(201);
  return version.json.version as number;
}

/** The fraud models' own train/test split (deterministic): the golden rows come from the held-out test part. */
export function fraudSplit() {
  return splitDataset(generateFraudTransactions(MODEL_SIZES.fraudRows), MODEL_SIZES.trainFraction);
}

/** A golden CSV: the dataset's rows at `indices`, features then the expected class ("0"/"1"). */
export function goldenCsv(dataset: Dataset, indices: readonly number[]) {
  const lines = [[...dataset.featureNames, "expected"].join(",")];
  for (const i of indices) lines.push([...rowOf(dataset, i), String(dataset.target[i])].join(","));
  return lines.join("\n") + "\n";
}

/** Points the model's production alias at a version, as a finished deployment does (deployments are tested elsewhere). */
export async function setChampion(modelName: string, version: number, userId: string) {
  const row = await db().modelVersion.findFirstOrThrow({ where: { version, model: { name: modelName } } });
  await db().modelAlias.upsert({
    where: { modelId_alias: { modelId: row.modelId, alias: "production" } },
    create: { modelId: row.modelId, alias: "production", versionId: row.id, updatedById: userId },
    update: { versionId: row.id, updatedById: userId },
  });
}

/** Waits for a gate evaluation to finish. */
export async function finished(evaluationId: string) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const evaluation = await db().gateEvaluation.findUniqueOrThrow({ where: { id: evaluationId } });
    if (["PASSED", "FAILED", "ERROR"].includes(evaluation.status)) return evaluation;
    if (Date.now() > deadline) throw new Error(`Gate evaluation still ${evaluation.status} after 90 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
