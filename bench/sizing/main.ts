import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { freshBenchDatabase } from "@/bench/lib/bench-database";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine } from "@/bench/lib/machine";
import type { CaptureRecord } from "@/contracts/prediction-capture";
import type { Db } from "@/server/db/client";
import { LocalRuntimeTarget } from "@/server/integrations/local-runtime";
import { closeQueues, enqueue, queueFor } from "@/server/jobs/define-job";
import { deployJob, deployJobId } from "@/server/jobs/deploy";
import { CaptureIdResolver } from "@/server/services/capture/id-resolver";
import { insertCaptured } from "@/server/services/capture/insert-captured";
import { ensureDayPartitions } from "@/server/services/capture/partitions";
import { computeReferenceProfile } from "@/server/services/drift/reference-profile";
import { parseSampleCsv } from "@/server/services/drift/sample-csv";
import { rowObject } from "@/training/dataset";
import { writeModels } from "@/training/write-models";

// bench/sizing: the numbers the "Sizing per 100 models" table of docs/operations.md is derived from, measured on
// this machine: PostgreSQL bytes per captured prediction row and per metric point (real tables, real insert paths),
// Redis bytes per queued deployment job (the real job definition), the resident memory of an idle worker process and
// of the local runtime with 1 and N endpoints loaded, and the Prometheus series one endpoint exports. Not in `npm test`.
const CAPTURED_ROWS = Number(process.env.BENCH_SIZING_CAPTURED_ROWS ?? 100_000);
const METRIC_POINTS = Number(process.env.BENCH_SIZING_METRIC_POINTS ?? 100_000);
const QUEUED_JOBS = Number(process.env.BENCH_SIZING_JOBS ?? 10_000);
const ENDPOINTS = Number(process.env.BENCH_SIZING_ENDPOINTS ?? 10);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const ROOT = path.resolve(import.meta.dirname, "../..");
const FEATURES = ["amount", "hour", "merchant_risk", "account_age_days", "txn_count_24h"];
const MIB = 1024 * 1024;

const loadAverage = () =>
  os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(" / ");

/** One captured row as the runtime sends it for a one-row request of the fraud model (bench/capture's shape). */
function capturedRow(i: number, predictedAt: string): CaptureRecord {
  const id = randomUUID();
  return {
    id,
    requestId: id,
    rowIndex: 0,
    endpoint: "sizing-fraud",
    variant: "fraud-gbt-v1",
    modelName: "fraud-gbt",
    modelVersion: 1,
    correlationId: `tx-${i}`,
    inputs: { ...Object.fromEntries(FEATURES.map((f, k) => [f, ((i * (k + 3)) % 1000) + 0.25])), postcode: "01001" },
    outputs: { probability: (i % 1000) / 1000 },
    latencyMs: 1.7,
    captureProbability: 1,
    source: "RUNTIME",
    predictedAt,
  };
}

async function bytesPerCapturedRow(database: Db) {
  const day = new Date();
  await ensureDayPartitions(database, [day]);
  const ids = new CaptureIdResolver(database);
  for (let i = 0; i < CAPTURED_ROWS; i += 5_000) {
    const records = Array.from({ length: Math.min(5_000, CAPTURED_ROWS - i) }, (_, k) =>
      capturedRow(i + k, day.toISOString()),
    );
    await ids.prepare(records);
    await insertCaptured(database, records, ids);
  }
  await database.$executeRawUnsafe(`VACUUM ANALYZE "CapturedPrediction"`);
  const [row] = await database.$queryRawUnsafe<{ bytes: bigint }[]>(
    `SELECT sum(pg_total_relation_size(relid))::bigint AS bytes FROM pg_partition_tree('"CapturedPrediction"')`,
  );
  return Number(row!.bytes) / CAPTURED_ROWS;
}

async function bytesPerMetricPoint(database: Db) {
  const seriesCount = Math.max(1, Math.round(METRIC_POINTS / 1_000));
  await database.$executeRawUnsafe(`
    WITH u AS (INSERT INTO "User" (id, email, name) VALUES ('sizing-user', 'sizing@example.test', 'sizing') RETURNING id),
    e AS (INSERT INTO "Experiment" (id, name, "createdById") SELECT 'sizing-exp', 'sizing', id FROM u RETURNING id)
    INSERT INTO "Run" (id, "experimentId", name, "userId") SELECT 'sizing-run', e.id, 'sizing', 'sizing-user' FROM e`);
  await database.$executeRawUnsafe(`
    INSERT INTO "MetricSeries" ("runId", key, "lastValue", "lastStep", "minValue", "maxValue", "pointCount", "updatedAt")
    SELECT 'sizing-run', 'metric_' || s, 0, 999, 0, 1, 1000, now() FROM generate_series(1, ${seriesCount}) s`);
  await database.$executeRawUnsafe(`
    INSERT INTO "MetricPoint" ("seriesId", step, value, timestamp)
    SELECT ms.id, st, random(), 1764800000000 + st * 1000 FROM "MetricSeries" ms, generate_series(0, 999) st`);
  await database.$executeRawUnsafe(`VACUUM ANALYZE "MetricPoint"`);
  const [row] = await database.$queryRawUnsafe<{ bytes: bigint; points: bigint }[]>(
    `SELECT pg_total_relation_size('"MetricPoint"')::bigint AS bytes, (SELECT count(*) FROM "MetricPoint") AS points`,
  );
  return Number(row!.bytes) / Number(row!.points);
}

/** Bytes of Redis per waiting deployment job: the keys under a prefix of our own, summed with MEMORY USAGE. */
async function redisBytesPerQueuedJob(redis: Redis, prefix: string) {
  for (let i = 0; i < QUEUED_JOBS; i += 1) {
    const deploymentId = `c${randomBytes(12).toString("hex")}`;
    await enqueue(deployJob, { deploymentId }, { jobId: deployJobId(deploymentId), delay: 3_600_000 });
  }
  let bytes = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) bytes += (await redis.memory("USAGE", key, "SAMPLES", "0")) ?? 0;
  } while (cursor !== "0");
  await queueFor(deployJob.queue).obliterate({ force: true });
  return bytes / QUEUED_JOBS;
}

function rssBytes(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, "utf8").then((status) => Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024);
}

/** Starts `node --import tsx <entry>` (one process, so its pid is the one to measure) and waits for `ready`. */
async function startProcess(entry: string, env: Record<string, string>, ready: () => Promise<boolean>) {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!(await ready())) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${entry} did not start:\n${output}`);
    await sleep(200);
  }
  return {
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

const answers = (url: string) =>
  fetch(url).then(
    (r) => r.ok,
    () => false,
  );

async function workerRss(databaseUrl: string, prefix: string) {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const worker = await startProcess(
    "workers/main.ts",
    { DATABASE_URL: databaseUrl, QUEUE_PREFIX: prefix, WORKER_METRICS_PORT: String(port) },
    () => answers(`http://127.0.0.1:${port}/healthz`),
  );
  try {
    await sleep(10_000);
    return await rssBytes(worker.pid);
  } finally {
    await worker.stop();
  }
}

type RuntimeSizes = {
  idle: number;
  one: number;
  many: number;
  features: number;
  modelBytes: number;
  seriesPerEndpoint: number;
  histogramSeries: number;
};

async function runtimeSizes(): Promise<RuntimeSizes> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "modelport-bench-sizing-"));
  const port = 40_000 + Math.floor(Math.random() * 20_000);
  const controlToken = randomBytes(24).toString("hex");
  const baseUrl = `http://127.0.0.1:${port}`;
  const runtime = await startProcess(
    "runtime/main.ts",
    { RUNTIME_PORT: String(port), RUNTIME_CONTROL_TOKEN: controlToken },
    () => answers(`${baseUrl}/healthz`),
  );
  try {
    const { models, manifest } = await writeModels(directory);
    const entry = manifest.find((m) => m.name === "fraud-gbt")!;
    const model = models.find((m) => m.name === "fraud-gbt")!;
    const csv = await readFile(path.join(directory, entry.trainingSample), "utf8");
    const bins = computeReferenceProfile(parseSampleCsv(csv).columns, entry.signature).features;
    const target = new LocalRuntimeTarget({ baseUrl, controlToken });
    const load = async (i: number) => {
      const endpointName = `sizing-${i}`;
      await target.apply({
        endpointName,
        variants: [
          {
            variantName: "fraud-gbt-v1",
            modelName: "fraud-gbt",
            version: 1,
            format: "ONNX",
            artifactUri: path.join(directory, entry.file),
            artifactSha256: entry.sha256,
            signature: entry.signature,
            weight: 100,
            featureBins: bins,
          },
        ],
      });
      for (let r = 0; r < 20; r += 1) {
        const body = JSON.stringify({ row: rowObject(model.test, r) });
        const answer = await fetch(`${baseUrl}/v1/endpoints/${endpointName}/predict`, { method: "POST", body });
        if (!answer.ok) throw new Error(`predict on ${endpointName}: ${answer.status} ${await answer.text()}`);
      }
    };
    const settle = async () => {
      await sleep(3_000);
      return rssBytes(runtime.pid);
    };
    const idle = await settle();
    await load(0);
    const one = await settle();
    for (let i = 1; i < ENDPOINTS; i += 1) await load(i);
    const many = await settle();
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    const ofEndpoint = metrics
      .split("\n")
      .filter((line) => !line.startsWith("#") && line.includes('endpoint="sizing-0"'));
    return {
      idle,
      one,
      many,
      features: entry.signature.inputs.length,
      modelBytes: (await stat(path.join(directory, entry.file))).size,
      seriesPerEndpoint: ofEndpoint.length,
      histogramSeries: ofEndpoint.filter((line) => line.startsWith("modelport_runtime_feature_value")).length,
    };
  } finally {
    await runtime.stop();
    await rm(directory, { recursive: true, force: true });
  }
}

const loadBefore = loadAverage();
const started = new Date();
const prefix = `bench-sizing-${randomBytes(4).toString("hex")}`;
process.env.QUEUE_PREFIX = prefix;
const { url, database } = await freshBenchDatabase("modelport_bench_sizing");
const redis = new Redis(REDIS_URL);
try {
  const capturedRowBytes = await bytesPerCapturedRow(database);
  console.log(`CapturedPrediction: ${capturedRowBytes.toFixed(0)} bytes per row (${CAPTURED_ROWS} rows)`);
  const metricPointBytes = await bytesPerMetricPoint(database);
  console.log(`MetricPoint: ${metricPointBytes.toFixed(1)} bytes per point (${METRIC_POINTS} points)`);
  const jobBytes = await redisBytesPerQueuedJob(redis, prefix);
  console.log(`Redis: ${jobBytes.toFixed(0)} bytes per waiting deployment job (${QUEUED_JOBS} jobs)`);
  const worker = await workerRss(url, `${prefix}-worker`);
  console.log(`worker: ${(worker / MIB).toFixed(0)} MiB resident, idle`);
  const runtime = await runtimeSizes();
  const perEndpoint = (runtime.many - runtime.one) / (ENDPOINTS - 1);
  console.log(
    `runtime: ${(runtime.idle / MIB).toFixed(0)} MiB idle, ${(runtime.one / MIB).toFixed(0)} MiB with 1 endpoint, ` +
      `${(runtime.many / MIB).toFixed(0)} MiB with ${ENDPOINTS} (${(perEndpoint / MIB).toFixed(1)} MiB per endpoint); ` +
      `${runtime.seriesPerEndpoint} series per endpoint, ${runtime.histogramSeries} of them feature histograms`,
  );
  writeBenchmarkSection(
    "Sizing (bench/sizing)",
    [
      "## Sizing (bench/sizing)",
      "",
      `\`npm run bench:sizing\` — ${started.toISOString().slice(0, 10)}. ${describeMachine({ redis: "7 on 127.0.0.1" })}; ` +
        `load average (1 / 5 / 15 min): ${loadBefore} before, ${loadAverage()} after.`,
      "",
      "| what | measured | how |",
      "|---|---|---|",
      `| PostgreSQL per captured prediction row | ${capturedRowBytes.toFixed(0)} bytes | ${CAPTURED_ROWS.toLocaleString("en")} one-row fraud-model predictions (6 inputs, 1 output, a correlation id) written by the loader's insert (\`insertCaptured\`) into one day partition; table, primary key, its three indexes and TOAST after \`VACUUM ANALYZE\` |`,
      `| PostgreSQL per metric point | ${metricPointBytes.toFixed(1)} bytes | ${METRIC_POINTS.toLocaleString("en")} points (series of 1,000 steps) in \`MetricPoint\`, table + primary key |`,
      `| Redis per waiting deployment job | ${jobBytes.toFixed(0)} bytes | ${QUEUED_JOBS.toLocaleString("en")} \`deploy\` jobs enqueued with the real definition (delayed, so none runs); \`MEMORY USAGE\` summed over the queue's keys |`,
      `| worker process, idle | ${(worker / MIB).toFixed(0)} MiB resident | \`node --import tsx workers/main.ts\` against an empty database, 10 s after /healthz answered |`,
      `| runtime, no endpoint | ${(runtime.idle / MIB).toFixed(0)} MiB resident | \`node --import tsx runtime/main.ts\`, default inference threads (${Math.max(1, Math.min(4, os.availableParallelism() - 1))} here) |`,
      `| runtime, 1 endpoint | ${(runtime.one / MIB).toFixed(0)} MiB resident | fraud-gbt (ONNX file of ${(runtime.modelBytes / 1024).toFixed(0)} KiB) with feature histograms, 20 predictions served |`,
      `| runtime, ${ENDPOINTS} endpoints | ${(runtime.many / MIB).toFixed(0)} MiB resident (${(perEndpoint / MIB).toFixed(1)} MiB per further endpoint) | the same model on ${ENDPOINTS} endpoints |`,
      `| Prometheus series per endpoint (runtime) | ${runtime.seriesPerEndpoint} | lines of the runtime's /metrics naming one single-variant endpoint after it served; ${runtime.histogramSeries} are feature-value histograms (${runtime.features} features) |`,
      "",
      "Not measured here: the portal's memory (no production build was made for this run), and anything on a real",
      "cluster. Resident sizes include tsx's TypeScript loader, as the processes were started from source.",
    ].join("\n"),
  );
} finally {
  await closeQueues();
  await redis.quit();
  await database.$disconnect();
}
