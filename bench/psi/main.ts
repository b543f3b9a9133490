import { parseBucketBound } from "@/server/integrations/prometheus/prometheus-text";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  countsFromCumulativeBuckets,
  expectedPsiUnderNoDrift,
  populationStabilityIndex,
} from "@/server/services/drift/psi";
import { startPrometheus } from "@/tests/integration/support/prometheus-process";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine, loadAverage } from "@/bench/lib/machine";
import { measure } from "@/bench/lib/stats";
import { generateRawSamples, timeNumpy, timeTypeScript, writeRawSamples } from "@/bench/psi/raw-samples";
import { serveSyntheticHistograms, syntheticModel } from "@/bench/psi/synthetic-histograms";

// bench/psi: (a) drift PSI for 100 features × 10 bins read from a real Prometheus (query + differencing + PSI,
// end to end); (b) PSI from raw samples, 1,000,000 rows × 20 features, TypeScript typed arrays versus NumPy on the
// same file. Prints both and rewrites its section of docs/benchmarks.md. Not part of `npm test`.
const FEATURES = 100;
const BINS = 10;
const RUNS = 30;
const RAW_ROWS = Number(process.env.BENCH_PSI_ROWS ?? 1_000_000);
const RAW_FEATURES = 20;
const RAW_RUNS = 3;
const ENDPOINT = "bench-psi";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const loadBefore = loadAverage();

// (a) Prometheus → PSI
const model = syntheticModel(FEATURES, BINS);
const exporter = await serveSyntheticHistograms(ENDPOINT, model);
const prometheus = await startPrometheus({ targets: [exporter.target], scrapeIntervalSeconds: 1 });
const query = `sum by (feature, le) (increase(modelport_runtime_feature_value_bucket{endpoint="${ENDPOINT}",variant="v1"}[1m]))`;

async function driftFromPrometheus() {
  const samples = await prometheus.client.query(query);
  const buckets = new Map<string, Array<{ le: number; count: number }>>();
  for (const sample of samples) {
    const feature = sample.metric.feature!;
    const list = buckets.get(feature) ?? [];
    list.push({ le: parseBucketBound(sample.metric.le!), count: sample.value });
    buckets.set(feature, list);
  }
  return model.profile.map((reference) => {
    const counts = countsFromCumulativeBuckets(buckets.get(reference.name) ?? []);
    const rows = counts.reduce((sum, c) => sum + c, 0);
    return {
      feature: reference.name,
      shifted: reference.shifted,
      rows,
      psi: populationStabilityIndex(reference.proportions, counts),
      expected: expectedPsiUnderNoDrift(counts.length, rows, 20_000),
    };
  });
}

let endToEnd;
let drift;
try {
  for (let i = 0; i < 6; i++) await prometheus.waitForScrape();
  drift = await driftFromPrometheus();
  endToEnd = await measure("query + differencing + PSI, 100 features × 10 bins", driftFromPrometheus, RUNS, 3);
} finally {
  await prometheus.stop();
  await exporter.stop();
}
const stable = drift.filter((d) => !d.shifted);
const shifted = drift.filter((d) => d.shifted);
const summary = (rows: typeof drift) =>
  `median PSI ${median(rows.map((d) => d.psi)).toFixed(4)} (expected under no drift ${median(rows.map((d) => d.expected)).toFixed(4)}), median rows ${median(rows.map((d) => d.rows)).toFixed(0)}`;
console.log(
  `(a) ${endToEnd.name}: p50 ${endToEnd.p50.toFixed(1)} ms, p95 ${endToEnd.p95.toFixed(1)} ms (target ≤ 200 ms)`,
);
console.log(`    ${stable.length} stable features: ${summary(stable)}`);
console.log(`    ${shifted.length} drifted features (mean +0.5 sd): ${summary(shifted)}`);

// (b) raw samples: TypeScript vs NumPy on the same bytes
const directory = await mkdtemp(path.join(os.tmpdir(), "modelport-bench-psi-"));
const file = path.join(directory, "samples.f64");
let typescript;
let numpy;
try {
  const samples = generateRawSamples(RAW_ROWS, RAW_FEATURES);
  await writeRawSamples(file, samples);
  typescript = timeTypeScript(samples, BINS, RAW_RUNS);
  numpy = timeNumpy(path.join(import.meta.dirname, "psi_numpy.py"), file, samples, BINS, RAW_RUNS);
} finally {
  await rm(directory, { recursive: true, force: true });
}
const loadAfter = loadAverage();
const tsMs = median(typescript.timesMs);
const npMs = numpy ? median(numpy.timesMs) : NaN;
const maxDifference = numpy ? Math.max(...typescript.psi.map((psi, f) => Math.abs(psi - numpy.psi[f]!))) : NaN;
const agree = maxDifference <= 1e-9;
console.log(
  `(b) ${RAW_ROWS.toLocaleString("en")} rows × ${RAW_FEATURES} features, ${BINS} bins: TypeScript ${tsMs.toFixed(0)} ms, NumPy ${numpy ? `${npMs.toFixed(0)} ms` : "not installed"}`,
);
if (numpy) {
  console.log(
    `    TypeScript speed / NumPy speed = ${(npMs / tsMs).toFixed(2)} (target ≥ 1.0); max |PSI difference| ${maxDifference.toExponential(2)} (${agree ? "agree" : "DISAGREE"} to 1e-9)`,
  );
}

writeBenchmarkSection(
  "Drift (bench/psi)",
  `## Drift (bench/psi)

\`npm run bench:psi\` — 2026-11-22. ${describeMachine({ numpy: numpy?.numpy ?? "not installed" })}.
Load average (1/5/15 min) before: ${loadBefore}; after: ${loadAfter} — other work on this shared 2-core machine competes for the same cores.

(a) End to end from Prometheus: a synthetic exporter serves \`modelport_runtime_feature_value\` for ${FEATURES} numeric features × ${BINS}
reference bins, written by the runtime's own histogram code while it counts 2,000 N(0,1) rows/s (every fifth feature drifts
by +0.5 sd); a real Prometheus (${"`/usr/bin/prometheus`"}) scrapes it every second. One run = the instant query
\`${query}\`, differencing the cumulative buckets and PSI + expected PSI for all ${FEATURES} features (${RUNS} runs after 3 warm-ups).

| measurement | runs | p50 ms | p95 ms | max ms | target |
|---|---:|---:|---:|---:|---|
| ${endToEnd.name} | ${RUNS} | ${endToEnd.p50.toFixed(1)} | ${endToEnd.p95.toFixed(1)} | ${endToEnd.max.toFixed(1)} | ≤ 200 ms |

Sanity check of the numbers it computed: ${stable.length} stable features ${summary(stable)}; ${shifted.length} drifted features ${summary(shifted)}.

(b) Raw samples: ${RAW_ROWS.toLocaleString("en")} reference and ${RAW_ROWS.toLocaleString("en")} production rows × ${RAW_FEATURES} float64 features (normal, log-normal,
uniform and tied-integer shapes; deterministic), written once to a file both sides read. Per feature: ${BINS}-quantile edges of the
reference (NumPy method "lower", ties collapsed), bin both samples (\`le\` convention), PSI with ε = 1e-4. Only the compute is
timed (not generating or loading the data); median of ${RAW_RUNS} runs. TypeScript: \`server/services/drift/sample-psi.ts\`
(pivots from a strided sample, one branch-free pass over the reference, exact selection only inside the regions that hold a quantile, one branch-free pass over production; Float64Arrays); NumPy: \`bench/psi/psi_numpy.py\` (np.quantile + np.searchsorted + np.bincount).

| implementation | ms (all ${RAW_FEATURES} features) |
|---|---:|
| TypeScript (node ${process.version}) | ${tsMs.toFixed(0)} |
| NumPy ${numpy?.numpy ?? "(not installed)"} | ${numpy ? npMs.toFixed(0) : "—"} |

TypeScript speed ÷ NumPy speed: ${numpy ? (npMs / tsMs).toFixed(2) : "—"} (target ≥ 1.0). Results agree: max |PSI difference| over the ${RAW_FEATURES} features ${numpy ? maxDifference.toExponential(2) : "—"} (required ≤ 1e-9).
`,
);
if (numpy && !agree) process.exitCode = 1;
