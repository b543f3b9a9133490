import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { writeModels } from "@/training/write-models";
import { closeQueues } from "@/server/jobs/define-job";
import { LocalArtifactStore } from "@/server/services/artifacts/local-artifact-store";
import { freshBenchDatabase } from "@/bench/lib/bench-database";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine } from "@/bench/lib/machine";
import { formatTable, type Timing } from "@/bench/lib/stats";
import { startRuntime } from "@/bench/runtime/processes";
import { benchActor, registerBenchModel } from "@/bench/deploy/bench-model";
import {
  breakdown,
  failedReleaseCycle,
  promoteCycle,
  rollbackCycle,
  summarize,
  type Cycle,
  type FailedCycle,
  type Serving,
} from "@/bench/deploy/cycles";
import { startWorker } from "@/bench/deploy/worker-process";

// bench/deploy: promote → serving and rollback → serving on the local target, through the real path: the services
// the API calls, BullMQ on Redis, the worker process, the local runtime process. Prints p50/p95 beside the targets
// and rewrites its section of docs/benchmarks.md. Not part of `npm test`.
const CYCLES = Number(process.env.BENCH_DEPLOY_CYCLES ?? 20);
const MODEL = "bench-deploy-fraud";
const SECTION = "Deployments (bench/deploy)";
const PROMOTE_TARGET_MS = 5_000;
const ROLLBACK_TARGET_MS = 2_000;

const loadAverage = () =>
  os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(" / ");
const { url, database } = await freshBenchDatabase("modelport_bench_deploy");
const scratch = await mkdtemp(path.join(os.tmpdir(), "modelport-bench-deploy-"));
// This process and the worker must agree on the database, the queue prefix and where artifact bytes live.
Object.assign(process.env, {
  DATABASE_URL: url,
  QUEUE_PREFIX: "modelport_bench_deploy",
  ARTIFACT_ROOT: path.join(scratch, "artifacts"),
});

const { manifest } = await writeModels(path.join(scratch, "models"));
const gbt = manifest.find((m) => m.name === "fraud-gbt")!;
const logreg = manifest.find((m) => m.name === "fraud-logreg")!;
const ctx = await benchActor(database);
// v3 (the delivery model, bytes of its own in the content-addressed store) has its blob spoiled after registration,
// so the runtime refuses to load it: the failed-release row.
const delivery = manifest.find((m) => m.name === "delivery-time-gbt")!;
const [v1, v2, v3] = await registerBenchModel(ctx, MODEL, [gbt, logreg, delivery], path.join(scratch, "models"));
const spoiled = await database.modelVersion.findFirstOrThrow({
  where: { version: v3, model: { name: MODEL } },
  include: { artifact: true },
});
await writeFile(
  new LocalArtifactStore(path.join(scratch, "artifacts")).blobPath(spoiled.artifact!.sha256),
  "not a model any more",
);

const runtime = await startRuntime();
const worker = await startWorker({
  RUNTIME_URL: runtime.baseUrl,
  RUNTIME_CONTROL_TOKEN: runtime.controlToken,
  WORKER_METRICS_PORT: "0",
});
const serving: Serving = {
  runtimeUrl: runtime.baseUrl,
  endpointName: `${MODEL}-staging-local`,
  modelName: MODEL,
  row: Object.fromEntries(gbt.signature.inputs.map((input, i) => [input.name, 10 + i])),
};

try {
  const loadBefore = loadAverage();
  const oneMinuteBefore = os.loadavg()[0]!;
  const first = summarize("first deployment (creates the endpoint)", [await promoteCycle(ctx, serving, v1!)]);
  const endpoint = await database.endpoint.findFirstOrThrow({ where: { name: serving.endpointName } });
  // One unmeasured pair warms the worker's and the runtime's code paths, as a long-running worker's are.
  await promoteCycle(ctx, serving, v2!);
  await rollbackCycle(ctx, serving, endpoint.id);
  // Interleaved, so that both rows see the same load on this shared machine.
  const promotions: Cycle[] = [];
  const rollbacks: Cycle[] = [];
  const failures: FailedCycle[] = [];
  for (let i = 0; i < CYCLES; i++) {
    promotions.push(await promoteCycle(ctx, serving, v2!));
    rollbacks.push(await rollbackCycle(ctx, serving, endpoint.id));
    failures.push(await failedReleaseCycle(ctx, serving, v3!, v1!));
  }
  const promote = summarize("promote v1 → v2 serving (all-at-once)", promotions);
  const rollback = summarize("rollback v2 → v1 serving", rollbacks);
  const failed = summarize("failed release (v3 refused) → ended, v1 serving throughout", failures);
  const answered = failures.reduce((sum, f) => sum + f.answered, 0);
  const byServing = failures.reduce((sum, f) => sum + f.answeredByServing, 0);
  const endings = [...new Set(failures.map((f) => f.status))].join(", ");
  const uninterrupted = `${byServing} of ${answered} predictions during the failed releases answered by v1; ended ${endings}`;
  const loadAfter = loadAverage();
  const busy = Math.max(oneMinuteBefore, os.loadavg()[0]!) > os.cpus().length / 2;

  const verdict = (timing: Timing, targetMs: number) =>
    `≤ ${targetMs.toLocaleString("en-US")} ms: p95 ${timing.p95 <= targetMs ? "met" : "missed"}`;
  const table = formatTable([first, promote, rollback, failed], {
    [promote.name]: verdict(promote, PROMOTE_TARGET_MS),
    [rollback.name]: verdict(rollback, ROLLBACK_TARGET_MS),
    [failed.name]: uninterrupted,
  }).replace("| query |", "| cycle |");
  const parts = (cycles: Cycle[]) => breakdown(database, cycles);
  const [promoteParts, rollbackParts] = [await parts(promotions), await parts(rollbacks)];
  const partsTable = [
    "| part (median ms) | promote | rollback |",
    "|---|---:|---:|",
    ...promoteParts.map(
      (p) =>
        `| ${p.name} | ${p.medianMs.toFixed(0)} | ${rollbackParts.find((r) => r.name === p.name)?.medianMs.toFixed(0) ?? ""} |`,
    ),
  ].join("\n");
  console.log(`\n${table}\n\n${partsTable}\n\nload average (1 / 5 / 15 min): ${loadBefore} before, ${loadAfter} after`);

  writeBenchmarkSection(
    SECTION,
    [
      `## ${SECTION}`,
      "",
      `Run with \`npm run bench:deploy\` on ${new Date().toISOString().slice(0, 10)} (${CYCLES} cycles each).`,
      `Machine: ${describeMachine({ "load average (1 / 5 / 15 min)": `${loadBefore} before, ${loadAfter} after the timings` })}.` +
        (busy
          ? " Other work was running on this shared machine during the run (see the load average), so these are not quiet-machine numbers."
          : ""),
      "",
      "Each cycle goes the whole real path: `requestPromotion` (STAGING, LOCAL target, all-at-once; staging needs no approval) " +
        "or `rollBackEndpoint` in-process against PostgreSQL → the BullMQ job on Redis → the worker process (`workers/main.ts`) " +
        "running the deployment's state machine → the local runtime process loading the ONNX model. A cycle ends when the deployment " +
        "is SUCCEEDED and a prediction on the endpoint reports the expected variant (the bench polls every 10 ms). " +
        "v1 is fraud-gbt and v2 fraud-logreg. The first deployment (v1, which creates the endpoint) is timed on its own; then, after one " +
        "unmeasured warm-up pair, each cycle promotes v2 over v1, rolls the endpoint back to v1, and then promotes v3, whose stored " +
        "bytes were spoiled after registration so that the runtime refuses to load them (HTTP 422): that release ends when the " +
        "deployment is ROLLED_BACK or FAILED, while a client predicts on the endpoint back to back the whole time.",
      "All-at-once has no bake: its one traffic step moves 100% at once with a bake of 0 s, so there is no guardrail watch in these times. " +
        "A canary or linear rollout adds its bake seconds per step on top. " +
        `With ${CYCLES} cycles the p95 is the ${CYCLES >= 20 ? "second-slowest" : "slowest"} cycle.`,
      "",
      table,
      "",
      "Where the time goes (median of each part over the cycles; steps as recorded in the deployment's events; " +
        "the rest is the work between the recorded times: the request's transaction before the deployment row, the enqueue, " +
        "each step's bookkeeping queries, the status writes, and this bench's poll and prediction):",
      "",
      partsTable,
      "",
    ].join("\n"),
  );
} finally {
  await worker.stop();
  await runtime.stop();
  await closeQueues();
  await database.$disconnect();
  await rm(scratch, { recursive: true, force: true });
}
