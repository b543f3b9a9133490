import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { EndpointConfigInput } from "@/contracts/runtime-control";
import type { OnlineFeatures } from "@/contracts/online-features";
import { freshBenchDatabase } from "@/bench/lib/bench-database";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine } from "@/bench/lib/machine";
import { measure, type Timing } from "@/bench/lib/stats";
import { startRuntime } from "@/bench/runtime/processes";
import { env } from "@/server/env";
import { redisHotMirror } from "@/server/integrations/feature-store/hot-mirror";
import { systemContextFromEnv } from "@/server/context-from-env";
import { actingAs } from "@/server/services/context";
import { createFeatureGroup } from "@/server/services/features/groups";
import { mirrorPendingFeatureValues } from "@/server/services/features/mirror";
import { writeFeatureValues } from "@/server/services/features/values";
import { rowObject } from "@/training/dataset";
import { generateFraudTransactions } from "@/training/fraud-data";
import { writeModels } from "@/training/write-models";

// bench/features: what a feature lookup costs a prediction. The fraud model (gradient-boosted trees, real ONNX) on
// the local runtime, one row per request, sequential: callers sending every feature (no lookup) against callers
// sending a card id and a timestamp with five stored features read from Redis (hot) or, on a runtime without Redis,
// from PostgreSQL (cold), and the hour computed from the timestamp. Also the write path: entities per second into
// PostgreSQL and the Redis mirror. Rewrites its section of docs/benchmarks.md. Not part of `npm test`.
const ENTITIES = Number(process.env.BENCH_FEATURE_ENTITIES ?? 100_000);
const SAMPLES = Number(process.env.BENCH_FEATURE_SAMPLES ?? 2_000);
const WRITE_BATCH = 10_000;
const SECTION = "Online features (bench/features)";
const STORED = ["merchant_risk", "tx_count_1h", "tx_count_24h", "distance_from_home_km", "distance_from_last_tx_km"];
const PREFIX = "bench-features";
const GROUP = "bench-cards";

const { url, database } = await freshBenchDatabase("modelport_bench_features");
const team = await database.team.create({ data: { name: "Bench" } });
const user = await database.user.create({
  data: { email: "bench@modelport.dev", name: "Bench", role: "DATA_SCIENTIST", teamId: team.id },
});
const mirror = redisHotMirror(env().REDIS_URL, PREFIX);
const ctx = actingAs(
  { ...systemContextFromEnv(), db: database, featureMirror: mirror },
  { userId: user.id, role: user.role, teamId: team.id },
);
await createFeatureGroup(ctx, { name: GROUP, entityKey: "card_id", features: STORED });
// The sync job's first run claims the prefix for the bench's database (writes never claim Redis).
await mirrorPendingFeatureValues(ctx);

const transactions = generateFraudTransactions(ENTITIES, 5);
const rows = Array.from({ length: ENTITIES }, (_, i) => rowObject(transactions, i));
const writeStarted = performance.now();
for (let start = 0; start < ENTITIES; start += WRITE_BATCH) {
  const entities = rows.slice(start, start + WRITE_BATCH).map((row, i) => ({
    id: `card-${start + i}`,
    values: Object.fromEntries(STORED.map((f) => [f, row[f]!])),
  }));
  const written = await writeFeatureValues(ctx, { group: GROUP, entities });
  if (written.hotPath !== "mirrored") throw new Error("Redis did not take the bench's values");
}
const writeSeconds = (performance.now() - writeStarted) / 1000;

const scratch = await mkdtemp(path.join(os.tmpdir(), "modelport-bench-features-"));
const { manifest } = await writeModels(scratch);
const gbt = manifest.find((m) => m.name === "fraud-gbt")!;
const common = {
  RUNTIME_FEATURE_DATABASE_URL: url,
  RUNTIME_FEATURE_KEY_PREFIX: PREFIX,
  RUNTIME_INFERENCE_THREADS: "1",
};
const hotRuntime = await startRuntime({ ...common, RUNTIME_FEATURE_REDIS_URL: env().REDIS_URL });
const coldRuntime = await startRuntime(common);
const lookup: OnlineFeatures = {
  lookup: {
    featureGroup: GROUP,
    entityKey: "card_id",
    storedFeatures: STORED,
    requestFeatures: [{ name: "hour", transform: "utc_hour", from: ["timestamp"] }],
  },
};

async function put(runtime: typeof hotRuntime, name: string, extra: Partial<EndpointConfigInput> = {}) {
  const config: EndpointConfigInput = {
    variants: [
      {
        variantName: "gbt",
        modelPath: path.join(scratch, gbt.file),
        sha256: gbt.sha256,
        signature: gbt.signature,
        weight: 100,
      },
    ],
    capture: { rate: 0 },
    ...extra,
  };
  const response = await fetch(`${runtime.baseUrl}/v1/control/endpoints/${name}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${runtime.controlToken}`, "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  if (!response.ok) throw new Error(`PUT ${name}: ${response.status} ${await response.text()}`);
}
await put(hotRuntime, "plain");
await put(hotRuntime, "online", { onlineFeatures: lookup });
await put(coldRuntime, "online", { onlineFeatures: lookup });

let n = 0;
const next = () => n++ % ENTITIES;
const request = (i: number) => {
  const row = rows[i]!;
  return {
    card_id: `card-${i}`,
    timestamp: new Date(Date.UTC(2026, 11, 4, row.hour!, i % 60)).toISOString(),
    amount: row.amount,
    account_age_days: row.account_age_days,
    is_online: row.is_online,
    is_foreign: row.is_foreign,
  };
};
async function predict(baseUrl: string, endpoint: string, body: unknown, path: "hot" | "cold" | "none") {
  const response = await fetch(`${baseUrl}/v1/endpoints/${endpoint}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { featureSources?: { hot: number; cold: number } };
  if (response.status !== 200) throw new Error(`${endpoint} answered ${response.status}: ${JSON.stringify(answer)}`);
  if (path !== "none" && !answer.featureSources?.[path])
    throw new Error(`Expected the ${path} path, got ${JSON.stringify(answer)}`);
}

const timings: Timing[] = [
  await measure(
    "every feature sent (no lookup)",
    () => predict(hotRuntime.baseUrl, "plain", { row: rows[next()] }, "none"),
    SAMPLES,
    100,
  ),
  await measure(
    "lookup, Redis (hot path)",
    () => predict(hotRuntime.baseUrl, "online", { row: request(next()) }, "hot"),
    SAMPLES,
    100,
  ),
  await measure(
    "lookup, PostgreSQL (cold path)",
    () => predict(coldRuntime.baseUrl, "online", { row: request(next()) }, "cold"),
    SAMPLES,
    100,
  ),
];
const metrics = await (await fetch(`${hotRuntime.baseUrl}/metrics`)).text();
const stageMean = (stage: string) => {
  const pick = (suffix: string) =>
    metrics
      .split("\n")
      .filter(
        (l) => l.startsWith(`modelport_runtime_stage_duration_seconds_${suffix}{`) && l.includes(`stage="${stage}"`),
      )
      .reduce((total, l) => total + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
  return (pick("sum") / pick("count")) * 1000;
};

const base = timings[0]!;
const ms = (v: number) => v.toFixed(2);
const table = [
  "| requests (1 row each) | samples | p50 ms | p95 ms | max ms | p50 over no lookup |",
  "|---|---:|---:|---:|---:|---:|",
  ...timings.map(
    (t) =>
      `| ${t.name} | ${t.samples} | ${ms(t.p50)} | ${ms(t.p95)} | ${ms(t.max)} | ${t === base ? "" : `+${ms(t.p50 - base.p50)}`} |`,
  ),
].join("\n");
const stages = ["request_features", "feature_lookup", "inference"]
  .map((stage) => `| ${stage} | ${ms(stageMean(stage))} |`)
  .join("\n");
const writes = `${Math.round(ENTITIES / writeSeconds).toLocaleString("en-US")} entities/s (${ENTITIES.toLocaleString("en-US")} entities in writes of ${WRITE_BATCH.toLocaleString("en-US")}, PostgreSQL upsert + audit row, then the Redis mirror, ${writeSeconds.toFixed(1)} s)`;
console.log(table);
console.log(stages);
console.log(writes);
writeBenchmarkSection(
  SECTION,
  `## ${SECTION}

\`npm run bench:features\`: what a feature lookup costs a prediction — the fraud model (gradient-boosted trees, real
ONNX) on the local runtime, one row per request, one at a time, measured at the client. "No lookup": the caller sends
all ten features. "Lookup": the caller sends a card id, the transaction's time and its own four fields; five stored
features are read for the card (${ENTITIES.toLocaleString("en-US")} cards stored) from Redis, or — on a runtime
without Redis — from PostgreSQL, and the hour is computed from the time by the training code. The fraud pipeline's
budget for the feature lookup is 20 ms.

${table}

Mean time per stage on the hot-path runtime (modelport_runtime_stage_duration_seconds, over its lookup requests):

| stage | mean ms |
|---|---:|
${stages}

Writes: ${writes}.

Machine: ${describeMachine()}.
`,
);
await hotRuntime.stop();
await coldRuntime.stop();
await mirror.dropMirrored();
await mirror.close();
await database.$disconnect();
await rm(scratch, { recursive: true, force: true });
