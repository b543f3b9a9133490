import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { rowObject } from "@/training/dataset";
import { writeModels } from "@/training/write-models";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine, loadAverage } from "@/bench/lib/machine";
import { describeRound, measureCaptureCost, median as medianOf } from "@/bench/runtime/capture-cost";
import { writeWrkScript } from "@/bench/runtime/wrk";

// The capture row of bench/runtime on its own (`npm run bench:runtime-capture`): runtime throughput with capture at
// 100 % vs off, same model and load (wrk, 64 connections, one row per request). Not part of `npm test`.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CONNECTIONS = 64;
const loadBefore = loadAverage();
const directory = await mkdtemp(path.join(os.tmpdir(), "modelport-bench-capture-cost-"));
try {
  const { manifest, models } = await writeModels(directory);
  const entry = manifest.find((m) => m.name === "fraud-gbt")!;
  const model = models.find((m) => m.name === "fraud-gbt")!;
  const bodies = Array.from({ length: 64 }, (_, i) => JSON.stringify({ row: rowObject(model.test, i) }));
  const script = await writeWrkScript(directory, "fraud-rows", bodies);
  const cost = await measureCaptureCost({
    directory,
    entry,
    script,
    connections: CONNECTIONS,
    seconds: SECONDS,
    rounds: ROUNDS,
  });
  const ms = (seconds: number) => (seconds * 1000).toFixed(1);
  const line = (name: string, r: typeof cost.off) =>
    `| ${name} | ${CONNECTIONS} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.errors} | ${ms(r.cpuPer1k.runtime)} | ${ms(r.cpuPer1k.redis)} | ${ms(r.cpuPer1k.machine)} |`;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const { median, low, high } = cost.roundCost;
  const cpuMedian = (key: "off" | "full") => ms(medianOf(cost.rounds.map((r) => r[key].cpuPer1k.runtime)));
  const verdict = [
    `capture at 100 % costs ${pct(median)} of the throughput with capture off: the median of the ${cost.rounds.length} per-round costs (1 − 100 %/off of the round's two runs), bootstrap 95% interval over rounds ${pct(low)} to ${pct(high)}; target ≤ 5%`,
    `the two setups' median runs: capture at 100 % gives ${pct(cost.ratio)} of the throughput with capture off`,
    `median runtime CPU per 1k requests over all runs: ${cpuMedian("off")} ms off, ${cpuMedian("full")} ms at 100 %`,
  ];
  const rounds = cost.rounds.map((round, i) => describeRound(i, round));
  console.log([line("capture off", cost.off), line("capture 100 %", cost.full), ...verdict].join("\n"));
  writeBenchmarkSection(
    "bench/runtime: capture cost",
    `## bench/runtime: capture cost

\`npm run bench:runtime-capture\` — ${new Date().toISOString().slice(0, 10)}. ${describeMachine({ "load generator": "wrk -t1 on 127.0.0.1", redis: "7 on 127.0.0.1" })}
Load average (1/5/15 min) before: ${loadBefore}; after: ${loadAverage()} — other work on this shared machine competes for the same cores.

fraud-gbt, one row per request over 64 held-out rows. Two runtimes run side by side, one without a capture Redis
(capture off) and one capturing every row to a Redis Stream (trimmed to ~100 entries as it is written, as the loader's
deletes keep it small in production), each warmed up for 3 s; the load (${SECONDS} s runs) goes to one, then the other,
for ${ROUNDS} rounds, the order alternating, so each round compares two runs seconds apart on the same machine (its
speed drifts by ±20 % over minutes on this shared host). Each row of the table is the setup's median run.
CPU per 1,000 requests is read from /proc during the measured run: the runtime's process tree (serving thread,
inference threads, capture flusher), the local redis-server, and the whole machine (wrk and everything else included).

| setup | connections | requests/s | p50 ms | p99 ms | errors | runtime CPU ms / 1k req | redis CPU ms / 1k req | machine CPU ms / 1k req |
|---|---|---:|---:|---:|---:|---:|---:|---:|
${line("runtime, capture off", cost.off)}
${line("runtime, capture 100 % (Redis Stream)", cost.full)}

${verdict.map((v) => `- ${v}`).join("\n")}

Each round (the two runs seconds apart):

${rounds.map((r) => `- ${r}`).join("\n")}
`,
  );
} finally {
  await rm(directory, { recursive: true, force: true });
}
