import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Signature } from "@/contracts/signature";
import { buildModelCatalog, type BuiltModel } from "@/training/catalog";
import { toCsv } from "@/training/dataset";

export type ManifestEntry = {
  name: string;
  description: string;
  taskType: BuiltModel["taskType"];
  algorithm: string;
  file: string;
  sha256: string;
  signature: Signature;
  outputName: string;
  metrics: Record<string, number>;
  dataset: string;
  /** CSV of the training rows (features + target), the reference for drift profiles. */
  trainingSample: string;
  trainRows: number;
  testRows: number;
};

export const MANIFEST_FILE = "models.json";

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Builds every demo model and writes `<name>.onnx`, `<name>.signature.json`, the training CSVs and models.json. */
export async function writeModels(directory: string): Promise<{ manifest: ManifestEntry[]; models: BuiltModel[] }> {
  await mkdir(directory, { recursive: true });
  const models = buildModelCatalog();
  const samples = new Map<string, string>();
  const manifest: ManifestEntry[] = [];
  for (const model of models) {
    const file = `${model.name}.onnx`;
    const trainingSample = `${model.train.name}.training.csv`;
    if (!samples.has(trainingSample)) samples.set(trainingSample, toCsv(model.train));
    await writeFile(path.join(directory, file), model.onnx);
    await writeFile(
      path.join(directory, `${model.name}.signature.json`),
      JSON.stringify(model.signature, null, 2) + "\n",
    );
    manifest.push({
      name: model.name,
      description: model.description,
      taskType: model.taskType,
      algorithm: model.algorithm,
      file,
      sha256: sha256(model.onnx),
      signature: model.signature,
      outputName: model.outputName,
      metrics: model.metrics,
      dataset: model.train.name,
      trainingSample,
      trainRows: model.train.size,
      testRows: model.test.size,
    });
  }
  for (const [file, csv] of samples) await writeFile(path.join(directory, file), csv);
  await writeFile(path.join(directory, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
  return { manifest, models };
}
