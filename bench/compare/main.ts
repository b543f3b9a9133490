import { existsSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { CurveStreamReader } from "@/contracts/curve-frames";
import { freshBenchDatabase } from "@/bench/lib/bench-database";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine, loadAverage } from "@/bench/lib/machine";
import { stopAll } from "@/tests/cluster/cluster-processes";
import { startBenchPortal } from "@/bench/lib/bench-portal";
import { Browser } from "@/tests/cluster/portal-client";
import { chunksOf } from "@/lib/web-streams";
import { seedBenchOwner } from "@/bench/lib/bench-owner";
import { curveRunId, seedCurveRuns } from "@/bench/lib/seed-curve-runs";
import { refreshPreviews } from "@/server/services/experiments/metric-previews";

// bench/compare: what the compare page waits for over HTTP from a production build (`next start`), signed in as a
// data scientist: before, one experiments.compare call carrying the curves as superjson points (the budget the page
// used to ask for); now, experiments.compare without curves beside the binary curve stream sized to a chart's width
// (POST /api/experiments/curves). Times are from the request to the last byte (and to the first run's curves), bytes
// are the decoded body (what the browser parses). Cold answers rotate the run order, so the curve cache cannot answer.
// Needs `npx next build`. Rewrites its section of docs/benchmarks.md unless BENCH_QUICK=1.
const ROOT = path.resolve(import.meta.dirname, "../..");
const RUNS = Number(process.env.BENCH_RUNS ?? 1_000);
const METRICS = Number(process.env.BENCH_METRICS ?? 10);
const STEPS = 1_000;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 10);
const WIDTH = 512; // a chart's request width on a 1,280-pixel window, two charts to a row
const QUICK = process.env.BENCH_QUICK === "1";

if (!existsSync(path.join(ROOT, ".next/BUILD_ID"))) throw new Error("bench/compare serves the build: `npx next build`");

const { url: databaseUrl, database } = await freshBenchDatabase("modelport_bench_compare");
console.log(`Seeding ${RUNS} runs × ${METRICS} metrics × ${STEPS} steps…`);
const seedStart = performance.now();
await seedBenchOwner(database, { demo: true });
await seedCurveRuns(database, { runs: RUNS, metrics: METRICS, steps: STEPS });
console.log(`Seeded in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`);

const base = await startBenchPortal(databaseUrl, "modelport_bench_compare");
const browser = new Browser();
const signIn = await browser.devSignIn(base, "bench@example.test");
if (signIn.status !== 200) throw new Error(`Sign-in answered ${signIn.status}: ${JSON.stringify(signIn.body)}`);

/**
 * LONG_RUNS more runs of bench_exp whose metric_1 and metric_2 have LONG_STEPS points each: their stored previews are
 * grids, so a zoomed chart reads their points in its range.
 */
const LONG_RUNS = 50;
const LONG_STEPS = 20_000;
const longRunIds = Array.from({ length: LONG_RUNS }, (_, i) => `bench_long_${String(i + 1).padStart(3, "0")}`);
async function seedLongRuns() {
  await database.$executeRaw`
    INSERT INTO "Run"(id, "experimentId", name, status, "startTime", "userId", tags)
    SELECT id, 'bench_exp', id, 'FINISHED', now(), 'bench_user', '{}' FROM unnest(${longRunIds}::text[]) id`;
  const series = await database.$queryRaw<{ id: number }[]>`
    INSERT INTO "MetricSeries"("runId", key, "lastValue", "lastStep", "minValue", "maxValue", "pointCount", "updatedAt")
    SELECT r, 'metric_' || m, 0.9, ${LONG_STEPS - 1}, 0.1, 0.9, ${LONG_STEPS}, now()
    FROM unnest(${longRunIds}::text[]) r, generate_series(1, 2) m RETURNING "id"`;
  const ids = series.map((row) => row.id);
  await database.$executeRaw`
    INSERT INTO "MetricPoint"("seriesId", step, value, timestamp)
    SELECT s, st, 0.1 + 0.8 * (1 - exp(-st / 3000.0)) + (random() - 0.5) * 0.02, st
    FROM unnest(${ids}::int[]) s, generate_series(0, ${LONG_STEPS - 1}) st`;
  await database.$transaction((tx) => refreshPreviews(tx, ids), { timeout: 600_000 });
}
await seedLongRuns();

const allRuns = Array.from({ length: RUNS }, (_, i) => curveRunId(i + 1));
const metricKeys = (count: number) => Array.from({ length: count }, (_, i) => `metric_${i + 1}`);
/** The point budget the compare page asked experiments.compare for before the curve stream. */
const formerPointBudget = (runs: number) => Math.max(150, Math.min(1_000, Math.floor(60_000 / runs)));

type Sample = { ms: number; firstMs: number; bytes: number };

async function formerCompare(runIds: string[], keys: string[]): Promise<Sample> {
  const start = performance.now();
  const input = { json: { runIds, metricKeys: keys, maxPoints: formerPointBudget(runIds.length) } };
  const response = await fetch(
    `${base}/api/trpc/experiments.compare?input=${encodeURIComponent(JSON.stringify(input))}`,
    {
      headers: { cookie: browser.cookieHeader() },
    },
  );
  const text = await response.text();
  if (response.status !== 200) throw new Error(`compare answered ${response.status}: ${text.slice(0, 300)}`);
  JSON.parse(text);
  const ms = performance.now() - start;
  return { ms, firstMs: ms, bytes: Buffer.byteLength(text) };
}

/** The page's requests for `runIds` × `keys`; a zoom (`steps`) asks for the curves of its range only. */
async function streamedCompare(runIds: string[], keys: string[], steps?: [number, number]): Promise<Sample> {
  const start = performance.now();
  const details =
    runIds.length <= 200 && steps === undefined
      ? fetch(
          `${base}/api/trpc/experiments.compare?input=${encodeURIComponent(JSON.stringify({ json: { runIds, metricKeys: keys, curves: false } }))}`,
          {
            headers: { cookie: browser.cookieHeader() },
          },
        ).then((r) => r.text())
      : Promise.resolve("");
  const response = await fetch(`${base}/api/experiments/curves`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: browser.cookieHeader() },
    body: JSON.stringify({ runIds, metricKeys: keys, width: WIDTH, steps }),
  });
  if (response.status !== 200 || !response.body)
    throw new Error(`curves answered ${response.status}: ${await response.text()}`);
  const reader = new CurveStreamReader();
  let bytes = 0;
  let firstMs = 0;
  for await (const chunk of chunksOf(response.body)) {
    bytes += chunk.byteLength;
    if (reader.push(chunk).length > 0 && firstMs === 0) firstMs = performance.now() - start;
  }
  if (!reader.ended) throw new Error("The curve stream ended early");
  const detailText = await details;
  return { ms: performance.now() - start, firstMs, bytes: bytes + Buffer.byteLength(detailText) };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};

type Row = { name: string; p50: number; p95: number; first50: number; mb: number };
async function sampled(name: string, once: (rotation: number) => Promise<Sample>): Promise<Row> {
  await once(-1);
  const samples: Sample[] = [];
  for (let i = 0; i < SAMPLES; i++) samples.push(await once(i));
  const row = {
    name,
    p50: percentile(
      samples.map((s) => s.ms),
      50,
    ),
    p95: percentile(
      samples.map((s) => s.ms),
      95,
    ),
    first50: percentile(
      samples.map((s) => s.firstMs),
      50,
    ),
    mb: (samples[0]?.bytes ?? 0) / 1e6,
  };
  console.log(`${name}: p50 ${row.p50.toFixed(0)} ms, p95 ${row.p95.toFixed(0)} ms, ${row.mb.toFixed(2)} MB`);
  return row;
}

/** The runs in another order for each sample: the same work, another cache key. */
const rotated = (runIds: string[], rotation: number) =>
  rotation < 0 ? runIds : [...runIds.slice(rotation + 1), ...runIds.slice(0, rotation + 1)];

const cases = [
  { runs: 12, metrics: 5 },
  { runs: 200, metrics: 5 },
  { runs: Math.min(RUNS, 1_000), metrics: Math.min(METRICS, 10) },
].filter((c) => c.runs <= RUNS && c.metrics <= METRICS);
const rows: Row[] = [];
const loadBefore = loadAverage();
for (const { runs, metrics } of cases) {
  const runIds = allRuns.slice(0, runs);
  const keys = metricKeys(metrics);
  const label = `${runs} runs × ${metrics} metrics`;
  if (runs <= 200)
    rows.push(await sampled(`${label}: before (experiments.compare with curves)`, () => formerCompare(runIds, keys)));
  rows.push(await sampled(`${label}: curve stream, cold`, (r) => streamedCompare(rotated(runIds, r), keys)));
  rows.push(await sampled(`${label}: curve stream, cached`, () => streamedCompare(runIds, keys)));
}
const zoomCases: { label: string; runIds: string[]; keys: string[]; steps: [number, number] }[] = [
  {
    label: "200 runs × 5 metrics of 1,000 steps, zoomed to steps 400–499 (cut from the stored previews)",
    runIds: allRuns.slice(0, 200),
    keys: metricKeys(5),
    steps: [400, 499],
  },
  {
    label: `${LONG_RUNS} runs × 2 metrics of ${LONG_STEPS.toLocaleString("en-US")} steps, zoomed to steps 8,000–9,999 (points read)`,
    runIds: longRunIds,
    keys: metricKeys(2),
    steps: [8_000, 9_999],
  },
];
for (const { label, runIds, keys, steps } of zoomCases) {
  rows.push(await sampled(`${label}: curve stream, cold`, (r) => streamedCompare(rotated(runIds, r), keys, steps)));
}
await stopAll();
const loadAfter = loadAverage();
await database.$disconnect();

const table = [
  "| request | p50 ms | p95 ms | first curves p50 ms | MB |",
  "|---|---:|---:|---:|---:|",
  ...rows.map(
    (r) => `| ${r.name} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.first50.toFixed(0)} | ${r.mb.toFixed(2)} |`,
  ),
].join("\n");
const body = `Run with \`npm run bench:compare\` on ${new Date().toISOString().slice(0, 10)}.
Machine: ${describeMachine({ "load average (1 / 5 / 15 min)": `${loadBefore} before, ${loadAfter} after the timings` })}.
Volume: ${RUNS} runs × ${METRICS} metrics × ${STEPS} steps (${((RUNS * METRICS * STEPS) / 1e6).toFixed(0)} M points, previews stored as logBatch stores them), one portal (\`next start\`) and PostgreSQL on this machine, ${SAMPLES} samples after one warm-up. Times run from the request to the last byte read (the curve rows: both of the page's requests, in parallel); "first curves" is when the first run's frames were decoded. MB is the decoded body (the curve stream is binary: float32 values, step increments as varints). 1,000 runs get 64 points per series, read from each series' coarse preview (\`previewCoarse\`, at most about 250 points) instead of its fine one (up to 1,000 points here). A zoomed chart's request (\`steps\`) is the curve stream alone, the comparison being on screen already.
Targets (issue 15): 200 runs ≤ 300 ms and ≤ 1 MB; 1,000 runs × 10 metrics ≤ 1 s.

${table}`;
console.log(`\n${body}`);
if (!QUICK) writeBenchmarkSection("bench/compare", `## bench/compare\n\n${body}`);
