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
import { acceptInvocation } from "@/server/services/async-inference/invocations";
import { runAsyncInvocation } from "@/server/services/async-inference/run-invocation";
import { CSV_SLICE_ROWS } from "@/server/services/async-inference/score-payload";
import { loadScratchEndpoint } from "@/server/services/quality/gate/scratch-endpoint";
import { writeModels } from "@/training/write-models";

// bench/async: one asynchronous invocation of BENCH_ASYNC_ROWS CSV records (the fraud model, real ONNX, on the local
// runtime) — accepted (streamed into the artifact store through the record check), then scored by the worker's routine
// in this process (read back, cut into slices, the runtime's CSV route, the answers streamed into the store) — against
// the runtime alone answering the same records in the same slices, bodies cut beforehand, one request at a time as the
// invocation sends them. Prints both and their ratio; rewrites its section of docs/benchmarks.md. Not part of `npm test`.
const ROWS = Number(process.env.BENCH_ASYNC_ROWS ?? 1_000_000);
const SECTION = "Asynchronous inference (bench/async)";
const MODEL = "bench-async-fraud";

const { url, database } = await freshBenchDatabase("modelport_bench_async");
const scratch = await mkdtemp(path.join(os.tmpdir(), "modelport-bench-async-"));
Object.assign(process.env, {
  DATABASE_URL: url,
  QUEUE_PREFIX: "modelport_bench_async",
  ARTIFACT_ROOT: path.join(scratch, "artifacts"),
});
const runtime = await startRuntime();
const client = localRuntimeClient({ baseUrl: runtime.baseUrl, controlToken: runtime.controlToken });

const { manifest } = await writeModels(path.join(scratch, "models"));
const gbt = manifest.find((m) => m.name === "fraud-gbt")!;
const ctx = await benchActor(database);
const [version] = await registerBenchModel(ctx, MODEL, [gbt], path.join(scratch, "models"));
const names = gbt.signature.inputs.map((input) => input.name);
const valuesOf = (i: number) => names.map((_, f) => ((i * 7919 + f * 104_729) % 1000) / 10);
const records = Array.from({ length: ROWS }, (_, i) => `${valuesOf(i).join(",")}\n`);
const payload = new TextEncoder().encode(records.join(""));

const stored = await database.modelVersion.findFirstOrThrow({
  where: { version, model: { name: MODEL } },
  include: { artifact: true },
});
const endpoint = await database.endpoint.create({
  data: { name: `${MODEL}-prod`, modelId: stored.modelId, environment: "PRODUCTION", target: "LOCAL" },
});
await loadScratchEndpoint(client, endpoint.name, [
  {
    variantName: "bench",
    modelName: MODEL,
    version: version!,
    modelPath: await ctx.artifacts.localFile(stored.artifact!.sha256),
    sha256: stored.artifact!.sha256,
    signature: signatureSchema.parse(stored.signature),
  },
]);

/** The runtime alone: the same records in the invocation's slices, cut beforehand, one request at a time. */
async function runtimeAlone(): Promise<number> {
  const slices: Uint8Array<ArrayBuffer>[] = [];
  for (let start = 0; start < ROWS; start += CSV_SLICE_ROWS)
    slices.push(new TextEncoder().encode(records.slice(start, start + CSV_SLICE_ROWS).join("")));
  const started = performance.now();
  for (const slice of slices) {
    const response = await client.invokeCsv(endpoint.name, slice, {}, 120_000);
    if (!response.ok) throw new Error(`invocations ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  }
  return (performance.now() - started) / 1000;
}

/** The invocation: accepted through the service the REST endpoint calls, then scored as the worker scores it. */
async function invocation() {
  const accepting = performance.now();
  const accepted = await acceptInvocation(ctx, {
    endpointName: endpoint.name,
    contentType: "text/csv",
    body: new Blob([payload]).stream(),
    declaredBytes: payload.length,
  });
  const acceptSeconds = (performance.now() - accepting) / 1000;
  const scoring = performance.now();
  const outcome = await runAsyncInvocation(
    {
      db: database,
      artifacts: ctx.artifacts,
      runtime: client,
      clock: () => new Date(),
      lease: { owner: "bench", ttlMs: 30_000 },
      sleep: (ms) => sleep(ms),
      deliver: async () => undefined,
    },
    accepted.id,
  );
  const scoreSeconds = (performance.now() - scoring) / 1000;
  const row = await database.asyncInvocation.findUniqueOrThrow({ where: { id: accepted.id } });
  if (outcome !== "SUCCEEDED" || row.rows !== ROWS)
    throw new Error(`The invocation ended ${outcome}: ${row.failureReason}`);
  return { acceptSeconds, scoreSeconds, outputBytes: Number(row.outputBytes) };
}

console.log(`${ROWS.toLocaleString("en-US")} records (${(payload.length / 1024 / 1024).toFixed(1)} MiB)…`);
// A warm-up run of each, then three alternating runs of each; the median run is reported.
const RUNS = 3;
await runtimeAlone();
await invocation();
const alone: number[] = [];
const runs: Awaited<ReturnType<typeof invocation>>[] = [];
for (let i = 0; i < RUNS; i++) {
  alone.push(await runtimeAlone());
  runs.push(await invocation());
}
const median = <T>(values: T[], key: (value: T) => number) => [...values].sort((a, b) => key(a) - key(b))[RUNS >> 1]!;
const aloneSeconds = median(alone, (s) => s);
const run = median(runs, (r) => r.acceptSeconds + r.scoreSeconds);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const rows = ROWS.toLocaleString("en-US");
const totalSeconds = run.acceptSeconds + run.scoreSeconds;
const table = [
  "| path | records | seconds | records/s | ratio to the runtime alone |",
  "|---|---:|---:|---:|---:|",
  `| the runtime alone: CSV route, ${CSV_SLICE_ROWS.toLocaleString("en-US")}-record slices cut beforehand | ${rows} | ${aloneSeconds.toFixed(2)} | ${fmt(ROWS / aloneSeconds)} | 1.00 |`,
  `| the invocation scored (store → slices → runtime → store) | ${rows} | ${run.scoreSeconds.toFixed(2)} | ${fmt(ROWS / run.scoreSeconds)} | ${(aloneSeconds / run.scoreSeconds).toFixed(2)} |`,
  `| accepted + scored (202 after the payload is stored and checked) | ${rows} | ${totalSeconds.toFixed(2)} | ${fmt(ROWS / totalSeconds)} | ${(aloneSeconds / totalSeconds).toFixed(2)} |`,
].join("\n");
console.log(table);
writeBenchmarkSection(
  SECTION,
  `## ${SECTION}

\`npm run bench:async\`: one asynchronous invocation of ${rows} CSV records (${(payload.length / 1024 / 1024).toFixed(1)} MiB; the fraud
model, gradient-boosted trees, real ONNX on the local runtime). Accepting it (the 202) took ${run.acceptSeconds.toFixed(2)} s: the payload streamed
into the artifact store through the record check. Scoring it as the worker does reads it back, cuts it into slices of
${CSV_SLICE_ROWS.toLocaleString("en-US")} records, sends them one at a time to the runtime's CSV route and streams the answers into the
store (result ${(run.outputBytes / 1024 / 1024).toFixed(1)} MiB). The runtime alone answers the same slices, cut beforehand, one at a time. Each path ran three times after a
warm-up, alternating; the median run is shown (all: runtime alone ${alone.map((s) => s.toFixed(2)).join(" / ")} s; invocation accepted + scored ${runs.map((r) => (r.acceptSeconds + r.scoreSeconds).toFixed(2)).join(" / ")} s).

${table}

The invocation, the runtime and PostgreSQL share this machine's two cores.

Machine: ${describeMachine()}.
`,
);
await runtime.stop();
await closeQueues();
await database.$disconnect();
await rm(scratch, { recursive: true, force: true });
