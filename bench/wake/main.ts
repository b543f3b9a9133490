import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { EndpointView } from "@/contracts/runtime-control";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine } from "@/bench/lib/machine";
import { startRuntime } from "@/bench/runtime/processes";
import { writeModels } from "@/training/write-models";

// bench/wake: how long a request waits for an endpoint scaled to zero. The fraud model (gradient-boosted trees, real
// ONNX) on the local runtime, idle time 1 s; each round waits until the endpoint is asleep, then sends a prediction
// every 10 ms from the first one (answered 503 + Retry-After) until one is answered 200. Rewrites its section of
// docs/benchmarks.md. Not part of `npm test`.
const ROUNDS = Number(process.env.BENCH_WAKE_ROUNDS ?? 20);
const SECTION = "Scale-to-zero wake time (bench/wake)";

const scratch = await mkdtemp(path.join(os.tmpdir(), "modelport-bench-wake-"));
const runtime = await startRuntime();
const { manifest, models } = await writeModels(scratch);
const gbt = manifest.find((m) => m.name === "fraud-gbt")!;
const row = Object.fromEntries(
  models.find((m) => m.name === "fraud-gbt")!.test.featureNames.map((name, f) => [name, f + 1]),
);
const control = (init: RequestInit = {}) =>
  fetch(`${runtime.baseUrl}/v1/control/endpoints/fraud`, {
    ...init,
    headers: { authorization: `Bearer ${runtime.controlToken}`, "content-type": "application/json" },
  });
const configured = await control({
  method: "PUT",
  body: JSON.stringify({
    variants: [
      {
        variantName: "gbt",
        modelPath: path.join(scratch, gbt.file),
        sha256: gbt.sha256,
        signature: gbt.signature,
        weight: 100,
      },
    ],
    scaleToZero: { idleSeconds: 1 },
  }),
});
if (!configured.ok) throw new Error(`PUT fraud: ${configured.status} ${await configured.text()}`);
const predict = () =>
  fetch(`${runtime.baseUrl}/v1/endpoints/fraud/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ row }),
  });

const waits: number[] = [];
const refused: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  while (((await (await control()).json()) as EndpointView).sleep?.state !== "asleep") await sleep(100);
  const started = performance.now();
  let answers503 = 0;
  for (;;) {
    const response = await predict();
    await response.arrayBuffer();
    if (response.status === 200) break;
    if (response.status !== 503) throw new Error(`A sleeping endpoint answered ${response.status}`);
    answers503++;
    await sleep(10);
  }
  waits.push(performance.now() - started);
  refused.push(answers503);
}
const sorted = [...waits].sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (value: number) => `${Math.round(value)} ms`;
const table = [
  "| rounds | p50 | p95 | max | 503s before the first 200 (median) |",
  "|---:|---:|---:|---:|---:|",
  `| ${ROUNDS} | ${ms(at(0.5))} | ${ms(at(0.95))} | ${ms(sorted.at(-1)!)} | ${[...refused].sort((a, b) => a - b)[Math.floor(refused.length / 2)]} |`,
].join("\n");
console.log(table);
writeBenchmarkSection(
  SECTION,
  `## ${SECTION}

\`npm run bench:wake\`: from the first prediction a sleeping endpoint receives (answered 503 with
Retry-After, and waking it) to the first one answered 200, retrying every 10 ms — the fraud model (gradient-boosted
trees, real ONNX) on the local runtime, scaled to zero after 1 s idle, ${ROUNDS} rounds. The wake loads the model into
every inference thread again; a client honouring Retry-After (whole seconds) waits at least 1 s.

${table}

Machine: ${describeMachine()}.
`,
);
await runtime.stop();
await rm(scratch, { recursive: true, force: true });
