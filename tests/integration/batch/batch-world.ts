import { expect } from "vitest";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { localRuntimeClient } from "@/server/integrations/local-runtime/client";
import type { BatchRuntime } from "@/server/services/batch/run-batch-job";
import { chunksOf } from "@/lib/web-streams";
import { callApi, givenToken } from "@/tests/integration/fixtures";
import { registerThroughApi } from "@/tests/integration/deployments/real-models";
import type { ModelRuntime } from "@/tests/integration/deployments/deploy-stack";

/** The fraud model's features of data row `i`: deterministic, spread over each feature's range. */
export function featuresOf(i: number, names: readonly string[]): number[] {
  return names.map((_, f) => ((i * 7919 + f * 104_729) % 1000) / 10);
}

/** A CSV dataset: `txn_id` (the key), the features, and a free-text column the model does not read. */
export function datasetCsv(
  rows: number,
  names: readonly string[],
  badRows: ReadonlySet<number> = new Set(),
): Uint8Array {
  const lines = [`txn_id,${names.join(",")},note\n`];
  for (let i = 0; i < rows; i++) {
    const values = featuresOf(i, names).map((v, f) => (badRows.has(i) && f === 0 ? "lots" : String(v)));
    lines.push(`t${i},${values.join(",")},"row ${i}, as typed"\n`);
  }
  return new TextEncoder().encode(lines.join(""));
}

/** A model of a data scientist's team with the fraud-gbt version registered through the REST API. */
export async function givenFraudModel(stack: ModelRuntime, prefix: string) {
  const scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
  const name = `${prefix}-${Date.now().toString(36)}`;
  await callApi("POST", "/models", {
    token: scientist.secret,
    json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
  });
  const entry = stack.manifest.find((m) => m.name === "fraud-gbt")!;
  const version = await registerThroughApi(scientist.secret, name, entry, stack.modelDirectory);
  return {
    scientist,
    name,
    version,
    featureNames: entry.signature.inputs.map((input) => input.name),
    outputNames: entry.signature.outputs.map((output) => output.name),
  };
}

export async function uploadDataset(
  token: string,
  modelName: string,
  bytes: Uint8Array,
  fileName = "transactions.csv",
) {
  const response = await callApi("POST", `/models/${modelName}/datasets?fileName=${fileName}`, {
    token,
    body: new Uint8Array(bytes),
    headers: { "content-type": "text/csv" },
  });
  expect(response.status, JSON.stringify(response.json)).toBe(201);
  return response.json as { id: string; columns: string[] };
}

/** runBatchJob's dependencies in this process, against the test's runtime. */
export function batchRuntime(stack: ModelRuntime, owner: string): BatchRuntime {
  const system = systemContextFromEnv();
  return {
    db: db(),
    artifacts: system.artifacts,
    runtime: localRuntimeClient({ baseUrl: stack.runtime.baseUrl, controlToken: stack.runtime.controlToken }),
    clock: () => new Date(),
    lease: { owner, ttlMs: 2_000, pollMs: 100 },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    modelFile: (sha256) => system.artifacts.localFile(sha256),
  };
}

/** The job's output CSV, split into lines of fields (the test data has no quoted newlines). */
export async function outputOf(jobId: string): Promise<string[]> {
  const job = await db().batchJob.findUniqueOrThrow({ where: { id: jobId }, include: { output: true } });
  expect(job.output).not.toBeNull();
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of chunksOf(await systemContextFromEnv().artifacts.get(job.output!.sha256)))
    text += decoder.decode(chunk, { stream: true });
  text += decoder.decode();
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n");
}
