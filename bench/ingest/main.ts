import { performance } from "node:perf_hooks";
import { freshBenchDatabase } from "@/bench/lib/bench-database";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine } from "@/bench/lib/machine";
import { systemContextFromEnv } from "@/server/context-from-env";
import { actingAs } from "@/server/services/context";
import { logBatch } from "@/server/services/experiments/log-batch";
import { seedBenchOwner } from "@/bench/lib/bench-owner";

// bench/ingest: metric points logged through logBatch (the service behind POST /api/v1/runs/{id}/log) into
// PostgreSQL, by pipelines logging at once, each to its own run: every batch is 1,000 steps × 10 metrics = 10,000
// points, the most one call takes. Prints points/s overall and for the first and last tenth of the batches (a
// series' preview is maintained as its points arrive, so late batches meet long series), and each batch's latency.
// In-process (no HTTP). Rewrites its section of docs/benchmarks.md unless BENCH_QUICK=1.
const PIPELINES = Number(process.env.BENCH_PIPELINES ?? 4);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 30); // per pipeline: 30,000 steps per series at the end
const METRICS = 10;
const STEPS_PER_BATCH = 1_000;
const QUICK = process.env.BENCH_QUICK === "1";

const { database } = await freshBenchDatabase("modelport_bench_ingest");
await seedBenchOwner(database);
await database.$executeRawUnsafe(`
  INSERT INTO "Run"(id, "experimentId", name, status, "startTime", "userId", tags)
  SELECT 'bench_run_' || r, 'bench_exp', 'run-' || r, 'RUNNING', now(), 'bench_user', '{}'
  FROM generate_series(1, ${PIPELINES}) r`);
const ctx = actingAs(
  { ...systemContextFromEnv(), db: database },
  { userId: "bench_user", role: "DATA_SCIENTIST", teamId: "bench_team" },
);

function batchOf(batch: number) {
  const metrics = [];
  for (let s = 0; s < STEPS_PER_BATCH; s++) {
    const step = batch * STEPS_PER_BATCH + s;
    for (let m = 0; m < METRICS; m++) {
      metrics.push({ key: `metric_${m}`, step, value: Math.exp(-step / 5_000) + 0.01 * Math.sin(step * (m + 1)) });
    }
  }
  return { metrics };
}

type Timed = { batch: number; start: number; end: number };
const timings: Timed[] = [];
const pointsPerBatch = STEPS_PER_BATCH * METRICS;

async function pipeline(run: number) {
  for (let batch = 0; batch < BATCHES; batch++) {
    const body = batchOf(batch);
    const start = performance.now();
    await logBatch(ctx, `bench_run_${run}`, body);
    timings.push({ batch, start, end: performance.now() });
  }
}

console.log(`${PIPELINES} pipelines × ${BATCHES} batches of ${pointsPerBatch.toLocaleString("en-US")} points…`);
const started = performance.now();
await Promise.all(Array.from({ length: PIPELINES }, (_, i) => pipeline(i + 1)));
const seconds = (performance.now() - started) / 1000;
const stored = await database.metricPoint.count();
await database.$disconnect();

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};
/** Points/s over the batches numbered in [from, to): their points over the span from the first start to the last end. */
function rate(from: number, to: number) {
  const part = timings.filter((t) => t.batch >= from && t.batch < to);
  const span = (Math.max(...part.map((t) => t.end)) - Math.min(...part.map((t) => t.start))) / 1000;
  return (part.length * pointsPerBatch) / span;
}
const tenth = Math.max(1, Math.floor(BATCHES / 10));
const latencies = timings.map((t) => t.end - t.start);
const rows = [
  ["all batches", (PIPELINES * BATCHES * pointsPerBatch) / seconds],
  [
    `first ${tenth} batches of each pipeline (series up to ${(tenth * STEPS_PER_BATCH).toLocaleString("en-US")} points)`,
    rate(0, tenth),
  ],
  [
    `last ${tenth} batches of each pipeline (series up to ${(BATCHES * STEPS_PER_BATCH).toLocaleString("en-US")} points)`,
    rate(BATCHES - tenth, BATCHES),
  ],
] as const;
const body = `Run with \`npm run bench:ingest\` on ${new Date().toISOString().slice(0, 10)}.
Machine: ${describeMachine()}.
${PIPELINES} pipelines log at once, each to its own run, ${BATCHES} batches each of ${STEPS_PER_BATCH.toLocaleString("en-US")} steps × ${METRICS} metrics (${pointsPerBatch.toLocaleString("en-US")} points, the most one call takes), through logBatch in-process into PostgreSQL on this machine (the REST handler adds JSON parsing in front of it). ${stored.toLocaleString("en-US")} points stored in ${seconds.toFixed(1)} s. Target (issue 15): ≥ 100,000 points/s.

| batches | points/s |
|---|---:|
${rows.map(([name, value]) => `| ${name} | ${Math.round(value).toLocaleString("en-US")} |`).join("\n")}

Batch latency: p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms.`;
console.log(`\n${body}`);
if (!QUICK) writeBenchmarkSection("bench/ingest", `## bench/ingest\n\n${body}`);
