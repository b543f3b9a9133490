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
// read from the artifact store, cut into batches of records, scored through the runtime's CSV route, answers written
// as parts and joined into the result — against the runtime's own batched throughput on each of its routes (JSON
// predict, CSV invocations): the same rows, bodies made beforehand, the same batch size and requests in flight.
// Target: the job reaches ≥ 80% of the faster. Rewrites its section of docs/benchmarks.md. Not part of `npm test`.
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

/** One request body per batch of rows, ready to send: what the runtime alone is timed on. */
type Request = () => Promise<Response>;

/** Every row as predict bodies (JSON), serialised beforehand. */
function predictRequests(endpoint: string): Request[] {
  const requests: Request[] = [];
  for (let start = 0; start < ROWS; start += BATCH_SIZE) {
    const rows = [];
    for (let i = start; i < Math.min(ROWS, start + BATCH_SIZE); i++)
      rows.push(Object.fromEntries(names.map((name, f) => [name, valuesOf(i)[f]])));
    const body = JSON.stringify({ rows });
    requests.push(() =>
      fetch(`${runtime.baseUrl}/v1/endpoints/${endpoint}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      }),
    );
  }
  return requests;
}

/** Every row as CSV records with the job's options (inputs by column, the key echoed, rows numbered), cut beforehand. */
function invocationRequests(endpoint: string): Request[] {
  const requests: Request[] = [];
  for (let start = 0; start < ROWS; start += BATCH_SIZE) {
    let text = "";
    for (let i = start; i < Math.min(ROWS, start + BATCH_SIZE); i++) text += `t${i},${valuesOf(i).join(",")}\n`;
    const records = new TextEncoder().encode(text);
    const options = {
      inputColumns: names.map((_, f) => f + 1),
      echoColumns: [0],
      firstRow: start + 1,
      rowErrors: "column" as const,
    };
    requests.push(() => client.invokeCsv(endpoint, records, options, 120_000));
  }
  return requests;
}

/** The runtime alone: every row, on one of its routes, with the job's batch size and requests in flight. */
async function runtimeOwnRowsPerSecond(route: "predict" | "invocations"): Promise<number> {
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
  const requests = route === "predict" ? predictRequests(endpoint) : invocationRequests(endpoint);
  const send = (request: Request) =>
    request().then(async (response) => {
      if (!response.ok) throw new Error(`${route} ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: BATCH_IN_FLIGHT }, async () => {
      while (next < requests.length) await send(requests[next++]!);
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
// Each route twice (the first run warms it up); the job is held to the faster of the two.
const warmUp = {
  predict: await runtimeOwnRowsPerSecond("predict"),
  invocations: await runtimeOwnRowsPerSecond("invocations"),
};
const own = {
  predict: await runtimeOwnRowsPerSecond("predict"),
  invocations: await runtimeOwnRowsPerSecond("invocations"),
};
const direct = Math.max(own.predict, own.invocations);
console.log(`Batch job: ${ROWS.toLocaleString("en-US")} rows…`);
const batch = await batchJobRowsPerSecond();
const ratio = batch.rowsPerSecond / direct;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const rows = ROWS.toLocaleString("en-US");
const table = [
  "| path | rows | rows/s | ratio to the runtime alone (its faster route) |",
  "|---|---:|---:|---:|",
  `| the runtime alone: JSON predict bodies, serialised beforehand | ${rows} | ${fmt(own.predict)} | ${(own.predict / direct).toFixed(2)} |`,
  `| the runtime alone: CSV invocations, records cut beforehand | ${rows} | ${fmt(own.invocations)} | ${(own.invocations / direct).toFixed(2)} |`,
  `| a batch job (CSV from the artifact store → parts → result) | ${rows} | ${fmt(batch.rowsPerSecond)} | ${ratio.toFixed(2)} |`,
].join("\n");
console.log(table);
console.log(
  `(warm-up runs of the runtime alone: predict ${fmt(warmUp.predict)}, invocations ${fmt(warmUp.invocations)} rows/s)`,
);
writeBenchmarkSection(
  SECTION,
  `## ${SECTION}

\`npm run bench:batch\`: a batch job scoring ${rows} CSV rows with the fraud model (gradient-boosted trees, real ONNX
on the local runtime), batches of ${BATCH_SIZE.toLocaleString("en-US")} rows, against the runtime's own batched throughput on
the same rows through each of its routes — JSON predict bodies, and CSV invocations with the job's options — every
body made beforehand, the same batch size, ${BATCH_IN_FLIGHT} requests in flight (the second of two runs each). The job sends
the dataset's records as they were read to the CSV route, which parses them once, straight into tensors, and writes
the output lines itself (key, row number, outputs, error); its time covers reading the dataset from the artifact store,
cutting it into batches, the requests, writing each part to the store and recording it, and joining the parts into the
result (${(batch.outputBytes / 1024 / 1024).toFixed(1)} MiB) — ${batch.seconds.toFixed(1)} s in all. Target: ≥ ${TARGET_RATIO * 100}% of the runtime's own (its faster route).

${table}

Target: ${ratio >= TARGET_RATIO ? "met" : "NOT met"} (${(ratio * 100).toFixed(0)}%). The job, the runtime and PostgreSQL share this
machine's two cores.

Machine: ${describeMachine()}.
`,
);
await runtime.stop();
await closeQueues();
await database.$disconnect();
await rm(scratch, { recursive: true, force: true });
