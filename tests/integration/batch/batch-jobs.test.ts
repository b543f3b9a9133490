import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCH_ERROR_COLUMN, BATCH_ROW_COLUMN } from "@/contracts/batch-jobs";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { loadScratchEndpoint } from "@/server/services/quality/gate/scratch-endpoint";
import { localRuntimeClient } from "@/server/integrations/local-runtime/client";
import { signatureSchema } from "@/contracts/signature";
import { callApi } from "@/tests/integration/fixtures";
import { until } from "@/tests/integration/support/until";
import { spawnWorkerProcess, startModelRuntime, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import {
  datasetCsv,
  featuresOf,
  givenFraudModel,
  outputOf,
  uploadDataset,
} from "@/tests/integration/batch/batch-world";

// A batch job over 1,000,000 rows on the real runtime, its real worker process SIGKILLed midway: a second worker
// takes it over after the lease lapses, resumes after the last recorded part, and the output joins back exactly —
// every input row once, in order, with its key and the prediction the runtime gives that row.
const ROWS = 1_000_000;
let stack: ModelRuntime;
const workers: ChildProcess[] = [];

function startWorker() {
  const child = spawnWorkerProcess(stack.runtime, {
    env: { WORKER_LOCK_DURATION_MS: "2000", WORKER_STALLED_INTERVAL_MS: "1000", DEPLOYMENT_LEASE_MS: "2000" },
    output: "ignore",
    preload: ["server/jobs/handlers/batch-inference.ts"],
  });
  workers.push(child);
  return child;
}

beforeAll(async () => {
  stack = await startModelRuntime("modelport-batch-million-");
}, 120_000);

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill("SIGKILL");
  await stack?.stop();
});

/** What the runtime answers for sampled rows, asked directly on an endpoint of the same version. */
async function directPredictions(model: { name: string; version: number }, rows: Record<string, number>[]) {
  const version = await db().modelVersion.findFirstOrThrow({
    where: { version: model.version, model: { name: model.name } },
    include: { artifact: true },
  });
  const runtime = localRuntimeClient({ baseUrl: stack.runtime.baseUrl, controlToken: stack.runtime.controlToken });
  const endpoint = `check-${version.id}`;
  await loadScratchEndpoint(runtime, endpoint, [
    {
      variantName: "check",
      modelName: model.name,
      version: model.version,
      modelPath: await systemContextFromEnv().artifacts.localFile(version.artifact!.sha256),
      sha256: version.artifact!.sha256,
      signature: signatureSchema.parse(version.signature),
    },
  ]);
  const response = await runtime.predict(endpoint, rows, 60_000);
  expect(response.status).toBe(200);
  await runtime.control().deleteEndpoint(endpoint);
  return ((await response.json()) as { predictions: Record<string, number>[] }).predictions;
}

describe("a batch job of a million rows", () => {
  it("survives its worker being killed and joins back exactly", { timeout: 600_000 }, async () => {
    const model = await givenFraudModel(stack, "batch-million");
    const dataset = await uploadDataset(model.scientist.secret, model.name, datasetCsv(ROWS, model.featureNames));
    expect(dataset.columns).toEqual(["txn_id", ...model.featureNames, "note"]);
    const created = await callApi("POST", `/models/${model.name}/batch-jobs`, {
      token: model.scientist.secret,
      json: { version: model.version, inputArtifactId: dataset.id, keyColumns: ["txn_id"], batchSize: 5000 },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const jobId = created.json.id as string;

    const first = startWorker();
    await until(
      "the first parts to be recorded",
      async () => {
        const job = await db().batchJob.findUniqueOrThrow({ where: { id: jobId } });
        return job.rowsDone >= 100_000 && job;
      },
      300_000,
    );
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const killed = await db().batchJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(killed.status).toBe("RUNNING");
    expect(killed.rowsDone).toBeLessThan(ROWS);

    startWorker();
    const done = await until(
      "the job to finish",
      async () => {
        const job = await db().batchJob.findUniqueOrThrow({ where: { id: jobId } });
        return job.status !== "RUNNING" && job.status !== "QUEUED" && job;
      },
      540_000,
    );
    expect(done).toMatchObject({ status: "SUCCEEDED", rowsDone: ROWS, rowsFailed: 0, bytesDone: done.inputBytes });
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    expect(done.rowsAtStart).toBeGreaterThanOrEqual(killed.rowsDone);

    const lines = await outputOf(jobId);
    expect(lines[0]).toBe(["txn_id", BATCH_ROW_COLUMN, ...model.outputNames, BATCH_ERROR_COLUMN].join(","));
    expect(model.outputNames).toHaveLength(1);
    const output = model.outputNames[0]!;
    expect(lines).toHaveLength(ROWS + 1);
    const sample: number[] = [];
    for (let i = 0; i < ROWS; i++) {
      const [key, row, probability, error] = lines[i + 1]!.split(",");
      if (key !== `t${i}` || row !== String(i + 1) || error !== "" || !(Number(probability) >= 0))
        throw new Error(`Output line ${i + 1} is ${lines[i + 1]}`);
      if (i % 5003 === 0) sample.push(i);
    }
    const direct = await directPredictions(
      model,
      sample.map((i) =>
        Object.fromEntries(model.featureNames.map((name, f) => [name, featuresOf(i, model.featureNames)[f]!])),
      ),
    );
    sample.forEach((i, s) => expect(Number(lines[i + 1]!.split(",")[2])).toBe(direct[s]![output]));
  });
});
