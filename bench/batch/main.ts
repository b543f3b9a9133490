import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { signatureSchema } from "@/contracts/signature";
import { benchActor, registerBenchModel } from "@/bench/deploy/bench-model";
import { freshBenchDatabase } from "@/bench/lib/bench-database";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine } from "@/bench/lib/machine";
import { startRuntime } from "@/bench/runtime/processes";
import { closeQueues } from "@/server/jobs/define-job";
import { localRuntimeClient } from "@/server/integrations/local-runtime/client";
import { createBatchJob } from "@/server/services/batch/batch-jobs";
import { uploadDataset } from "@/server/services/batch/datasets";
import { BATCH_IN_FLIGHT } from "@/server/services/batch/part-writer";
import { runBatchJob } from "@/server/services/batch/run-batch-job";
import { loadScratchEndpoint } from "@/server/services/quality/gate/scratch-endpoint";
import { writeModels } from "@/training/write-models";

// bench/batch: a batch job over BENCH_BATCH_ROWS rows of a CSV (the fraud model, real ONNX) on the local runtime —
// read from the artifact store, parsed, sent in batches, answers written as parts and joined into the result — against
// the runtime's own batched throughput: the same rows, already as JSON request bodies, sent with the same batch size
// and as many requests in flight as the job keeps. Target: the job reaches ≥ 80% of the runtime's own. Rewrites its section of
// docs/benchmarks.md. Not part of `npm test`.
const ROWS = Number(process.env.BENCH_BATCH_ROWS ?? 1_000_000);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 2_000);
const TARGET_RATIO = 0.8;
const SECTION = "Batch inference (bench/batch)";

const { url, database } = await freshBenchDatabase("modelport_bench_batch");
const scratch = await mkdtemp(path.join(os.tmpdir(), "modelport-bench-batch-"));
Object.assign(process.env, {
  DATABASE_URL: url,
  QUEUE_PREFIX: "modelport_bench_batch",
  ARTIFACT_ROOT: path.join(scratch, "artifacts"),
});
const runtime = await startRuntime();
const client = localRuntimeClient({ baseUrl: runtime.baseUrl, controlToken: runtime.controlToken });

const { manifest } = await writeModels(path.join(scratch, "models"));
const gbt = manifest.find((m) => m.name === "fraud-gbt")!;
const ctx = await benchActor(database);
const [version] = await registerBenchModel(ctx, "bench-batch-fraud", [gbt], path.join(scratch, "models"));
const names = gbt.signature.inputs.map((input) => input.name);
const valuesOf = (i: number) => names.map((_, f) => ((i * 7919 + f * 104_729) % 1000) / 10);

function csvBytes(): Uint8Array<ArrayBuffer> {
  const lines = [`txn_id,${names.join(",")}\n`];
  for (let i = 0; i < ROWS; i++) lines.push(`t${i},${valuesOf(i).join(",")}\n`);
  return new TextEncoder().encode(lines.join(""));
}

/** The runtime alone: every row, as pre-serialised predict bodies, with the job's batch size and requests in flight. */
async function runtimeOwnRowsPerSecond(): Promise<number> {
  const stored = await database.modelVersion.findFirstOrThrow({
    where: { version, model: { name: "bench-batch-fraud" } },
    include: { artifact: true },
  });
  const endpoint = "bench-batch-direct";
  await loadScratchEndpoint(client, endpoint, [
    {
      variantName: "direct",
      modelName: "bench-batch-fraud",
      version: version!,
      modelPath: await ctx.artifacts.localFile(stored.artifact!.sha256),
      sha256: stored.artifact!.sha256,
      signature: signatureSchema.parse(stored.signature),
    },
  ]);
  const bodies: string[] = [];
  for (let start = 0; start < ROWS; start += BATCH_SIZE) {
    const rows = [];
    for (let i = start; i < Math.min(ROWS, start + BATCH_SIZE); i++)
      rows.push(Object.fromEntries(names.map((name, f) => [name, valuesOf(i)[f]])));
    bodies.push(JSON.stringify({ rows }));
  }
  const send = (body: string) =>
    fetch(`${runtime.baseUrl}/v1/endpoints/${endpoint}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    }).then(async (response) => {
      if (!response.ok) throw new Error(`predict ${response.status}`);
      await response.arrayBuffer();
    });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: BATCH_IN_FLIGHT }, async () => {
      while (next < bodies.length) await send(bodies[next++]!);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await client.control().deleteEndpoint(endpoint);
  return ROWS / seconds;
}

/** The batch job: upload, create (through the services the API calls), then the worker's routine in this process. */
async function batchJobRowsPerSecond(): Promise<{ rowsPerSecond: number; seconds: number; outputBytes: number }> {
  const bytes = csvBytes();
  const dataset = await uploadDataset(ctx, {
    modelName: "bench-batch-fraud",
    fileName: "bench.csv",
    body: new Blob([bytes]).stream(),
  });
  const job = await createBatchJob(ctx, {
    modelName: "bench-batch-fraud",
    version: version!,
    inputArtifactId: dataset.id,
    keyColumns: ["txn_id"],
    batchSize: BATCH_SIZE,
  });
  const started = performance.now();
  const outcome = await runBatchJob(
    {
      db: database,
      artifacts: ctx.artifacts,
      runtime: client,
      clock: () => new Date(),
      lease: { owner: "bench", ttlMs: 30_000 },
      sleep: (ms) => sleep(ms),
      modelFile: (sha256) => ctx.artifacts.localFile(sha256),
    },
    job.id,
  );
  const seconds = (performance.now() - started) / 1000;
  const done = await database.batchJob.findUniqueOrThrow({ where: { id: job.id }, include: { output: true } });
  if (outcome !== "SUCCEEDED" || done.rowsDone !== ROWS)
    throw new Error(`The job ended ${outcome}: ${done.failureReason}`);
  return { rowsPerSecond: ROWS / seconds, seconds, outputBytes: Number(done.output!.sizeBytes) };
}

console.log(`Runtime alone: ${ROWS.toLocaleString("en-US")} rows in batches of ${BATCH_SIZE}…`);
const warmUp = await runtimeOwnRowsPerSecond();
const direct = await runtimeOwnRowsPerSecond();
console.log(`Batch job: ${ROWS.toLocaleString("en-US")} rows…`);
const batch = await batchJobRowsPerSecond();
const ratio = batch.rowsPerSecond / direct;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const table = [
  "| path | rows | rows/s | ratio to the runtime alone |",
  "|---|---:|---:|---:|",
  `| the runtime alone (pre-serialised bodies, ${BATCH_IN_FLIGHT} in flight) | ${ROWS.toLocaleString("en-US")} | ${fmt(direct)} | 1.00 |`,
  `| a batch job (CSV from the artifact store → parts → result) | ${ROWS.toLocaleString("en-US")} | ${fmt(batch.rowsPerSecond)} | ${ratio.toFixed(2)} |`,
].join("\n");
console.log(table);
console.log(`(warm-up run of the runtime alone: ${fmt(warmUp)} rows/s)`);
writeBenchmarkSection(
  SECTION,
  `## ${SECTION}

\`npm run bench:batch\`: a batch job scoring ${ROWS.toLocaleString("en-US")} CSV rows with the fraud model (gradient-boosted
trees, real ONNX on the local runtime), batches of ${BATCH_SIZE.toLocaleString("en-US")} rows, against the runtime's own batched
throughput on the same rows (request bodies serialised beforehand, the same batch size, ${BATCH_IN_FLIGHT} requests in flight; the
second of two runs). The job's time covers reading the dataset from the artifact store, parsing and typing each row,
the predict requests, writing each part to the store and recording it, and joining the parts into the result
(${(batch.outputBytes / 1024 / 1024).toFixed(1)} MiB) — ${batch.seconds.toFixed(1)} s in all. Target: ≥ ${TARGET_RATIO * 100}% of the runtime's own.

${table}

Target: ${ratio >= TARGET_RATIO ? "met" : "NOT met"} (${(ratio * 100).toFixed(0)}%). The job, the runtime and PostgreSQL share this
machine's cores, so the job's parsing competes with inference here; on a cluster the worker has cores of its own.

Machine: ${describeMachine()}.
`,
);
await runtime.stop();
await closeQueues();
await database.$disconnect();
await rm(scratch, { recursive: true, force: true });
