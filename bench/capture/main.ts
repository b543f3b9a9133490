import { randomBytes, randomUUID } from "node:crypto";
import os from "node:os";
import { Redis } from "ioredis";
import { freshBenchDatabase } from "@/bench/lib/bench-database";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine } from "@/bench/lib/machine";
import { CaptureLoader } from "@/server/services/capture/loader";
import { CaptureGroups, captureRowJson, PendingBatch } from "@/runtime/capture/capture-batch";
import { MAX_ENTRY_BYTES } from "@/runtime/capture/capture-buffer";
import { ArenaPool } from "@/runtime/capture/byte-arena";
import { answerJson, capturedTexts } from "@/runtime/serving/predict";

// bench/capture: the capture loader's throughput. XADDs N capture records (as the runtime does: one `batch` entry per
// flushed batch, written by the runtime's own serialiser) to a stream of its own, then times one loader draining them
// into CapturedPrediction in a fresh database (consumer group reads, day partitions, json_to_recordset inserts, XACK
// after commit). BENCH_CAPTURE_FORMAT: `requests` (default: one-row requests captured whole, as their request and
// response texts — what 100 % capture writes) or `rows` (each row serialised, as sampled rows are). Not in `npm test`.
const RECORDS = Number(process.env.BENCH_CAPTURE_RECORDS ?? 200_000);
const BATCH = Number(process.env.BENCH_CAPTURE_BATCH ?? 5_000);
/** Records per stream entry: the runtime's default flush batch (RUNTIME_CAPTURE_BATCH_RECORDS). */
const ENTRY_RECORDS = 1_000;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const FORMAT = process.env.BENCH_CAPTURE_FORMAT === "rows" ? "rows" : "requests";
const FEATURES = ["amount", "hour", "merchant_risk", "account_age_days", "txn_count_24h"];

const loadAverage = () =>
  os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(" / ");
const loadBefore = loadAverage();

const INPUTS = [...FEATURES, "postcode"].map((name) => ({ name }));

const groups = new CaptureGroups();

/** Adds one served one-row request to the batch, as the runtime's capture buffer does. */
function addServedRow(batch: PendingBatch, i: number, now: number) {
  const row = { ...Object.fromEntries(FEATURES.map((f, k) => [f, (i * (k + 3)) % 1000])), postcode: "01001" };
  const predictionId = randomUUID();
  const prediction = { probability: (i % 1000) / 1000 };
  const request = {
    endpoint: "bench-fraud",
    variant: "fraud-gbt-v1",
    modelName: "fraud-gbt",
    modelVersion: 1,
    inputs: INPUTS,
    rows: [row],
    predictions: [prediction],
    predictionIds: [predictionId],
    correlationIds: [`tx-${i}`],
    latencyMs: 1.7,
    captureProbability: 1,
    predictedAtMs: now - (i % 3) * 3_600_000,
  };
  const group = groups.of(request);
  if (FORMAT === "rows") return batch.addRow(group, captureRowJson(request, 0));
  const answer = answerJson({
    predictionId,
    predictionIds: [predictionId],
    endpoint: request.endpoint,
    variant: request.variant,
    modelName: request.modelName,
    modelVersion: request.modelVersion,
    predictions: [prediction],
  });
  const texts = capturedTexts(Buffer.from(JSON.stringify({ row, correlationId: `tx-${i}` })), answer);
  return batch.addRequest(group, request, texts);
}

const { database } = await freshBenchDatabase("modelport_bench_capture");
const redis = new Redis(REDIS_URL);
const streamKey = `bench:capture:${randomBytes(4).toString("hex")}`;
try {
  const now = Date.now();
  const appendStarted = performance.now();
  for (let i = 0; i < RECORDS; i += ENTRY_RECORDS * 10) {
    const pipeline = redis.pipeline();
    for (let e = i; e < Math.min(RECORDS, i + ENTRY_RECORDS * 10); e += ENTRY_RECORDS) {
      // A pool per entry, never released: the pipeline writes the entries' bytes only when it runs.
      const batch = new PendingBatch(MAX_ENTRY_BYTES, new ArenaPool());
      for (let k = e; k < Math.min(RECORDS, e + ENTRY_RECORDS); k++) addServedRow(batch, k, now);
      pipeline.xadd(streamKey, "*", "batch", batch.toBytes());
    }
    await pipeline.exec();
  }
  const appendSeconds = (performance.now() - appendStarted) / 1000;
  console.log(`XADD ${RECORDS} records: ${appendSeconds.toFixed(1)} s (${(RECORDS / appendSeconds).toFixed(0)}/s)`);

  const loader = new CaptureLoader(redis, database, {
    streamKey,
    group: "bench",
    consumer: "bench-1",
    batch: BATCH,
    claimIdleMs: 60_000,
  });
  await loader.ensureGroup();
  const started = performance.now();
  let handled = 0;
  for (let n = await loader.loadOnce(); n > 0; n = await loader.loadOnce()) handled += n;
  const seconds = (performance.now() - started) / 1000;
  const rows = await database.capturedPrediction.count();
  const rate = rows / seconds;
  const loadAfter = loadAverage();
  console.log(`Loaded ${rows} rows (${handled} entries) in ${seconds.toFixed(1)} s: ${rate.toFixed(0)} predictions/s`);
  if (rows !== RECORDS) throw new Error(`Expected ${RECORDS} rows, found ${rows}`);

  writeBenchmarkSection(
    "bench/capture",
    `## bench/capture

\`npm run bench:capture\` — ${new Date().toISOString().slice(0, 10)}. ${describeMachine({ redis: "7 on 127.0.0.1", postgresql: "15 on 127.0.0.1" })}
Load average (1/5/15 min) before: ${loadBefore}; after: ${loadAfter} — other work on this shared machine competes for the same cores.

${RECORDS.toLocaleString("en")} capture records (6 inputs incl. a string feature, 1 output, a correlation id; over 3 hours
of one day or two) XADDed to a Redis Stream as the runtime appends them (${ENTRY_RECORDS.toLocaleString("en")} records per entry;
format \`${FORMAT}\`: ${FORMAT === "requests" ? "one-row requests captured whole as their request and response texts, which the loader parses — what 100 % capture writes" : "rows serialised one by one, as sampled rows are"}), then drained
by one loader into \`CapturedPrediction\` (consumer-group reads, day partitions ensured, one
\`INSERT … SELECT FROM json_to_recordset(…) ON CONFLICT DO NOTHING\` per ${BATCH.toLocaleString("en")} rows, XACK after
commit), in a fresh database.

| step | records | seconds | per second |
|---|---:|---:|---:|
| XADD (${ENTRY_RECORDS.toLocaleString("en")} records per entry) | ${RECORDS} | ${appendSeconds.toFixed(1)} | ${(RECORDS / appendSeconds).toFixed(0)} |
| loader: stream → PostgreSQL | ${rows} | ${seconds.toFixed(1)} | ${rate.toFixed(0)} |

- Loader throughput: ${rate.toFixed(0)} predictions/s (target ≥ 10,000/s: ${rate >= 10_000 ? "met" : "NOT met"} on this run).
`,
  );
  console.log("Wrote the bench/capture section of docs/benchmarks.md");
} finally {
  await redis.del(streamKey);
  redis.disconnect();
  await database.$disconnect();
}
