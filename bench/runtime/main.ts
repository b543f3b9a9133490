import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { rowObject } from "@/training/dataset";
import { writeModels } from "@/training/write-models";
import { LocalRuntimeTarget } from "@/server/integrations/local-runtime";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine, loadAverage } from "@/bench/lib/machine";
import { inProcessLoop } from "@/bench/runtime/in-process";
import { fixedRate } from "@/bench/runtime/open-loop";
import { startFastApi, startRuntime } from "@/bench/runtime/processes";
import { wrk, writeWrkScript, type LoadResult } from "@/bench/runtime/wrk";
import { measureCaptureCost } from "@/bench/runtime/capture-cost";

// bench/runtime: single-row throughput and latency of the local runtime over HTTP, the same ONNX model in-process
// (the ceiling), and FastAPI + uvicorn + scikit-learn; the gain from dynamic batching at 64 connections; p99 at a
// fixed 500 requests/s. All load goes to 127.0.0.1 and every run is bounded in time. Not part of `npm test`.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 64;
const FIXED_RATE = 500;
const BATCHED = { maxBatchSize: 32, maxQueueDelayMs: 1 };
const UNBATCHED = { maxBatchSize: 1, maxQueueDelayMs: 0 };

const loadBefore = loadAverage();
const directory = await mkdtemp(path.join(os.tmpdir(), "modelport-bench-runtime-"));
const { manifest, models } = await writeModels(directory);
const entry = manifest.find((m) => m.name === "fraud-gbt")!;
const model = models.find((m) => m.name === "fraud-gbt")!;
const rows = Array.from({ length: 64 }, (_, i) => rowObject(model.test, i));
const bodies = rows.map((row) => JSON.stringify({ row }));
const script = await writeWrkScript(directory, "fraud-rows", bodies);

type Row = { name: string; connections: string; result: LoadResult };
const results: Row[] = [];
const record = (name: string, connections: string, result: LoadResult) => {
  results.push({ name, connections, result });
  console.log(
    `${name.padEnd(58)} ${result.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  errors ${result.errors}`,
  );
};

console.log(`fraud-gbt: ${model.train.featureNames.length} features, 120 trees; ${SECONDS} s per run`);
record(
  "(b) in-process onnxruntime loop, 1 row per call",
  "1 (loop)",
  await inProcessLoop(model.onnx, rows, SECONDS / 2),
);

const runtime = await startRuntime();
const target = new LocalRuntimeTarget({ baseUrl: runtime.baseUrl, controlToken: runtime.controlToken });
const configure = (batching: typeof BATCHED) =>
  target.client.putEndpoint("bench-fraud", {
    variants: [
      {
        variantName: "fraud-gbt-v1",
        modelName: "fraud-gbt",
        modelVersion: 1,
        modelPath: path.join(directory, entry.file),
        sha256: entry.sha256,
        signature: entry.signature,
        weight: 100,
      },
    ],
    batching,
  });
const runtimeUrl = `${runtime.baseUrl}/v1/endpoints/bench-fraud/predict`;
try {
  await configure(BATCHED);
  await wrk(runtimeUrl, script, CONNECTIONS, 2);
  record(
    `(a) runtime over HTTP, dynamic batching (${BATCHED.maxBatchSize} rows / ${BATCHED.maxQueueDelayMs} ms)`,
    String(CONNECTIONS),
    await wrk(runtimeUrl, script, CONNECTIONS, SECONDS),
  );
  await configure(UNBATCHED);
  await wrk(runtimeUrl, script, CONNECTIONS, 2);
  record(
    "(a') runtime over HTTP, batching off (1 row per run)",
    String(CONNECTIONS),
    await wrk(runtimeUrl, script, CONNECTIONS, SECONDS),
  );
  await configure(BATCHED);
  record(
    `runtime at a fixed ${FIXED_RATE} requests/s (open loop)`,
    `${FIXED_RATE}/s`,
    await fixedRate(runtimeUrl, bodies, FIXED_RATE, SECONDS),
  );
} finally {
  await runtime.stop();
}

const captureCost = await measureCaptureCost({
  directory,
  entry,
  script,
  connections: CONNECTIONS,
  seconds: SECONDS,
  rounds: 3,
});
record("(d) runtime, capture off (no capture Redis)", String(CONNECTIONS), captureCost.off);
record("(d') runtime, capture 100 % (every row to the Redis Stream)", String(CONNECTIONS), captureCost.full);

const fastApi = await startFastApi(path.join(directory, entry.trainingSample));
const fastApiUrl = `${fastApi.baseUrl}/predict`;
try {
  await wrk(fastApiUrl, script, CONNECTIONS, 2);
  record(
    "(c) FastAPI + uvicorn + scikit-learn GradientBoostingClassifier",
    String(CONNECTIONS),
    await wrk(fastApiUrl, script, CONNECTIONS, SECONDS),
  );
  record(
    `FastAPI at a fixed ${FIXED_RATE} requests/s (open loop)`,
    `${FIXED_RATE}/s`,
    await fixedRate(fastApiUrl, bodies, FIXED_RATE, SECONDS),
  );
} finally {
  await fastApi.stop();
  await rm(directory, { recursive: true, force: true });
}

const loadAfter = loadAverage();
const rps = (prefix: string) => results.find((r) => r.name.startsWith(prefix))!.result;
const a = rps("(a) ");
const b = rps("(b) ");
const c = rps("(c) ");
const unbatched = rps("(a') ");
const fixed = rps("runtime at a fixed");
const ratios = [
  `(a) / (b): ${((100 * a.requestsPerSecond) / b.requestsPerSecond).toFixed(0)}% of the in-process ceiling (target ≥ 60%)`,
  `(a) / (c): ${(a.requestsPerSecond / c.requestsPerSecond).toFixed(1)}× FastAPI + scikit-learn (target ≥ 3×)`,
  `dynamic batching at ${CONNECTIONS} connections: ${(a.requestsPerSecond / unbatched.requestsPerSecond).toFixed(2)}× the throughput of batching off`,
  `p99 at ${FIXED_RATE} requests/s: ${fixed.p99Ms.toFixed(2)} ms (target ≤ 10 ms)`,
  `(d') / (d): capture at 100% keeps ${(100 * captureCost.ratio).toFixed(1)}% of the throughput with capture off (target ≥ 95%)`,
];
console.log("\n" + ratios.join("\n"));

const table = [
  "| setup | connections / rate | requests/s | p50 ms | p99 ms | errors |",
  "|---|---|---:|---:|---:|---:|",
  ...results.map(
    (r) =>
      `| ${r.name} | ${r.connections} | ${r.result.requestsPerSecond.toFixed(0)} | ${r.result.p50Ms.toFixed(2)} | ${r.result.p99Ms.toFixed(2)} | ${r.result.errors} |`,
  ),
].join("\n");

writeBenchmarkSection(
  "bench/runtime",
  `## bench/runtime

\`npx tsx bench/runtime/main.ts\` — ${new Date().toISOString().slice(0, 10)}. ${describeMachine({ "load generators": "wrk -t1 (closed loop) and an open-loop Node client on 127.0.0.1" })}
Load average (1/5/15 min) before: ${loadBefore}; after: ${loadAfter} — other work on this shared machine competes for the same cores.

Model: fraud-gbt (10 float features, 120 gradient-boosted trees of depth 4, ai.onnx.ml TreeEnsembleRegressor + Sigmoid),
one row per request rotating over 64 held-out rows, ${SECONDS} s per run after a 2 s warm-up. The runtime runs
with its defaults (one inference thread on this machine); FastAPI serves a scikit-learn GradientBoostingClassifier
with the same hyper-parameters trained on the same synthetic CSV (one uvicorn worker, a sync handler; Debian's
python3-fastapi, python3-uvicorn and python3-sklearn). The load
generator shares the machine's cores with the server under test.

${table}

- ${ratios.join("\n- ")}
`,
);
console.log("\nWrote the bench/runtime section of docs/benchmarks.md");
