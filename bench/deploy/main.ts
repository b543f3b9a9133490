import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { writeModels } from "@/training/write-models";
import { closeQueues } from "@/server/jobs/define-job";
import { LocalArtifactStore } from "@/server/services/artifacts/local-artifact-store";
import { freshBenchDatabase } from "@/bench/lib/bench-database";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine, loadAverage } from "@/bench/lib/machine";
import type { Timing } from "@/bench/lib/stats";
import { startRuntime } from "@/bench/runtime/processes";
import { benchActor, registerBenchModel } from "@/bench/deploy/bench-model";
import {
  breakdown,
  measureRound,
  outsideTheWait,
  startTarget,
  summarize,
  type Cycle,
  type FailedCycle,
  type Serving,
  type TargetRun,
} from "@/bench/deploy/cycles";
import { CLIENT_PAUSE_MS, SAGEMAKER_TIMING, startStandIns, type VersionsBySha } from "@/bench/deploy/stand-ins";
import { startWorker } from "@/bench/deploy/worker-process";
import type { DeploymentTargetKind } from "@/server/db/generated/enums";
import { versionVariantName } from "@/server/integrations/targets/variant-name";

// bench/deploy: promote → serving, rollback → serving and a failed release on each target, through the real path: the
// services the API calls, BullMQ on Redis, the worker process — against the local runtime process, the SageMaker
// stand-in and the Kubernetes API-server stand-in. Prints p50/p95 side by side and rewrites its section of
// docs/benchmarks.md. Not part of `npm test`.
const CYCLES = Number(process.env.BENCH_DEPLOY_CYCLES ?? 20);
const MODEL = "bench-deploy-fraud";
const SECTION = "Deployments (bench/deploy)";
const PROMOTE_TARGET_MS = 5_000;
const ROLLBACK_TARGET_MS = 2_000;

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
// so no target can load it: the failed-release rows.
const delivery = manifest.find((m) => m.name === "delivery-time-gbt")!;
// v4 is the delivery model with a doc string of its own (ModelProto field 6 appended: a valid model, its own sha256),
// bytes intact, whose containers the SageMaker stand-in fails the ping of: SageMaker's failed release. Spoiled bytes
// would not get that far there — S3 refuses an upload whose checksum is not the registered sha256.
const rebuiltDoc = Buffer.from("bench/deploy: a build whose container fails its ping");
const rebuilt = { ...delivery, name: "delivery-time-gbt-rebuilt", file: "delivery-time-gbt-rebuilt.onnx" };
await writeFile(
  path.join(scratch, "models", rebuilt.file),
  Buffer.concat([
    await readFile(path.join(scratch, "models", delivery.file)),
    Buffer.from([0x32, rebuiltDoc.length]),
    rebuiltDoc,
  ]),
);
const [v1, v2, v3, v4] = await registerBenchModel(
  ctx,
  MODEL,
  [gbt, logreg, delivery, rebuilt],
  path.join(scratch, "models"),
);
const registered = await database.modelVersion.findMany({
  where: { model: { name: MODEL } },
  include: { artifact: true },
});
const versionsBySha: VersionsBySha = new Map(registered.map((v) => [v.artifact!.sha256, v.version]));
const shaOf = (version: number) => registered.find((v) => v.version === version)!.artifact!.sha256;
const spoiled = shaOf(v3!);
await writeFile(new LocalArtifactStore(path.join(scratch, "artifacts")).blobPath(spoiled), "not a model any more");

const runtime = await startRuntime();
const standIns = await startStandIns();
standIns.cannotLoad({ kubernetes: spoiled, sagemaker: shaOf(v4!) });
const worker = await startWorker({
  RUNTIME_URL: runtime.baseUrl,
  RUNTIME_CONTROL_TOKEN: runtime.controlToken,
  WORKER_METRICS_PORT: "0",
  ...standIns.workerEnv,
});

const row = Object.fromEntries(gbt.signature.inputs.map((input, i) => [input.name, 10 + i]));
const versionByVariant = new Map([v1!, v2!, v3!, v4!].map((v) => [versionVariantName(MODEL, v), v]));
/** A prediction through the local runtime's router; the variant it reports names the version. */
const predictLocal = async (endpointName: string) => {
  const response = await fetch(`${runtime.baseUrl}/v1/endpoints/${endpointName}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ row }),
  });
  if (!response.ok) return null;
  const variant = ((await response.json()) as { variant?: string }).variant;
  return variant === undefined ? null : (versionByVariant.get(variant) ?? null);
};
const servingOn = (target: DeploymentTargetKind, invoke: (endpointName: string) => Promise<number | null>): Serving => {
  const endpointName = `${MODEL}-staging-${target.toLowerCase()}`;
  return { target, endpointName, modelName: MODEL, invoke: () => invoke(endpointName) };
};
const TARGETS: { label: string; serving: Serving; failing: number; simulatedMs: (cycle: CycleKind) => number }[] = [
  { label: "local runtime", serving: servingOn("LOCAL", predictLocal), failing: v3!, simulatedMs: () => 0 },
  {
    label: "SageMaker stand-in",
    serving: servingOn("SAGEMAKER", (name) => standIns.invokeSageMaker(name, versionsBySha)),
    failing: v4!,
    // One fleet start per create or update; a release that fails its ping starts a fleet and then rolls back.
    simulatedMs: (cycle) => SAGEMAKER_TIMING.transitionMs * (cycle === "failed" ? 2 : 1),
  },
  {
    label: "Kubernetes stand-in",
    serving: servingOn("KUBERNETES", (name) => standIns.invokeKubernetes(name, versionsBySha)),
    failing: v3!,
    simulatedMs: () => 0,
  },
];
type CycleKind = "first" | "promote" | "rollback" | "failed";

const fmt = (ms: number) => ms.toFixed(1);
const median = (values: number[]) =>
  summarize(
    "",
    values.map((totalMs) => ({ deploymentId: "", totalMs })),
  ).p50;

try {
  const loadBefore = loadAverage();
  const oneMinuteBefore = os.loadavg()[0]!;
  const runs: TargetRun[] = [];
  for (const { serving, failing } of TARGETS) runs.push(await startTarget(ctx, serving, { v1: v1!, v2: v2!, failing }));
  // Interleaved, so that every row sees the same load on this shared machine.
  for (let i = 0; i < CYCLES; i++) {
    for (const run of runs) await measureRound(ctx, run, { v1: v1!, v2: v2! });
  }
  const loadAfter = loadAverage();
  const busy = Math.max(oneMinuteBefore, os.loadavg()[0]!) > os.cpus().length / 2;

  const verdict = (timing: Timing, targetMs: number) =>
    `≤ ${targetMs.toLocaleString("en-US")} ms: p95 ${timing.p95 <= targetMs ? "met" : "missed"}`;
  const uninterrupted = (failures: FailedCycle[]) => {
    const answered = failures.reduce((sum, f) => sum + f.answered, 0);
    const byServing = failures.reduce((sum, f) => sum + f.answeredByServing, 0);
    const endings = [...new Set(failures.map((f) => f.status))].join(", ");
    return `${byServing} of ${answered} requests answered by v1; ended ${endings}`;
  };
  const lines = [
    "| target | cycle | samples | p50 ms | p95 ms | max ms | stand-in's simulated time ms | p50 minus simulated ms | p50 outside the wait step ms | |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  const CYCLE_NAMES: Record<CycleKind, string> = {
    first: "first deployment v1 (creates the endpoint)",
    promote: "promote v1 → v2 serving (all-at-once)",
    rollback: "rollback v2 → v1 serving",
    failed: "failed release → ended, v1 serving throughout",
  };
  for (const [index, { label, simulatedMs }] of TARGETS.entries()) {
    const run = runs[index]!;
    const rows: [CycleKind, Cycle[], string][] = [
      ["first", [run.first], ""],
      ["promote", run.promotions, ""],
      ["rollback", run.rollbacks, ""],
      ["failed", run.failures, uninterrupted(run.failures)],
    ];
    for (const [kind, cycles, note] of rows) {
      const timing = summarize(CYCLE_NAMES[kind].replace("failed release", `failed release v${run.failing}`), cycles);
      const simulated = simulatedMs(kind);
      const target =
        run.serving.target !== "LOCAL"
          ? ""
          : kind === "promote"
            ? verdict(timing, PROMOTE_TARGET_MS)
            : kind === "rollback"
              ? verdict(timing, ROLLBACK_TARGET_MS)
              : "";
      const overhead = simulated > 0 ? fmt(median(cycles.map((c) => c.totalMs - simulated))) : "";
      const outside = fmt(median(await outsideTheWait(database, cycles)));
      lines.push(
        `| ${label} | ${timing.name} | ${timing.samples} | ${fmt(timing.p50)} | ${fmt(timing.p95)} | ${fmt(timing.max)} | ` +
          `${simulated > 0 ? simulated.toLocaleString("en-US") : "—"} | ${overhead} | ${outside} | ${[target, note].filter(Boolean).join("; ")} |`,
      );
    }
  }
  const table = lines.join("\n");

  const columns: { title: string; cycles: Cycle[] }[] = TARGETS.flatMap(({ label }, index) => {
    const run = runs[index]!;
    return [
      { title: `${label}: promote`, cycles: run.promotions },
      { title: `${label}: rollback`, cycles: run.rollbacks },
      { title: `${label}: failed release`, cycles: run.failures },
    ];
  });
  const parts = await Promise.all(columns.map((column) => breakdown(database, column.cycles)));
  const partNames = [...new Set(parts.flatMap((list) => list.map((p) => p.name)).filter((n) => n !== "rest")), "rest"];
  const partsTable = [
    `| part (median ms) | ${columns.map((c) => c.title).join(" | ")} |`,
    `|---|${columns.map(() => "---:").join("|")}|`,
    ...partNames.map(
      (name) =>
        `| ${name} | ${parts.map((list) => list.find((p) => p.name === name)?.medianMs.toFixed(0) ?? "").join(" | ")} |`,
    ),
  ].join("\n");
  const reasons = TARGETS.map(
    ({ label }, index) => `${label}: “${runs[index]!.failures[0]?.failureReason ?? "none recorded"}”`,
  ).join("; ");
  console.log(
    `\n${table}\n\n${partsTable}\n\nfailure reasons: ${reasons}\n\nload average (1 / 5 / 15 min): ${loadBefore} before, ${loadAfter} after`,
  );

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
      "Each cycle goes the whole real path on every target: `requestPromotion` (STAGING, all-at-once; staging needs no approval) " +
        "or `rollBackEndpoint` in-process against PostgreSQL → the BullMQ job on Redis → the worker process (`workers/main.ts`) " +
        "running the deployment's state machine with the target it builds from its own environment → the target. A cycle ends when " +
        "the deployment is SUCCEEDED and a request through the endpoint is answered by the expected version (the bench polls every 10 ms). " +
        "v1 is fraud-gbt and v2 fraud-logreg; v3 (delivery-time-gbt) has its stored bytes spoiled after registration, so neither the " +
        "runtime nor a Kubernetes pod can load it; v4 is the same model with a doc string of its own (intact bytes, its own sha256), " +
        "which SageMaker's containers cannot load in the stand-in (see below). Per target, the first deployment (v1, which creates the endpoint) is timed on its own; then, after one unmeasured " +
        "warm-up pair, each round promotes v2 over v1, rolls the endpoint back to v1, and promotes v3 (v4 on SageMaker): that failed release ends when " +
        "the deployment is ROLLED_BACK or FAILED, while a client sends requests through the endpoint the whole time and the bench counts " +
        "those answered by v1. Rounds are interleaved across the targets so that all rows see the same load.",
      "",
      "- **local runtime**: the real runtime process loading the ONNX model; the client predicts over HTTP back to back; the runtime " +
        "refuses v3's bytes (HTTP 422).",
      "- **SageMaker stand-in**: the worker's real `SageMakerTarget` (AWS SDK v3, `MODELPORT_SAGEMAKER_*` pointing at " +
        "`tests/integration/sagemaker/fake-sagemaker-server.ts`, `fake-s3-server.ts` and `fake-cloudwatch.ts`, served from the bench " +
        "process; no rollback alarms, and all-at-once has no bake, so the portal reads no CloudWatch guardrail here). " +
        `The stand-in's time is scaled: a SageMaker second is ${SAGEMAKER_TIMING.msPerSecond} ms, and a fleet takes ` +
        `${SAGEMAKER_TIMING.transitionMs.toLocaleString("en-US")} ms to start (about five minutes of real instance start at that scale). ` +
        "A create or all-at-once update is one fleet start; v4's containers fail their ping (`failPingWhen` on its model's artifact tag), so " +
        "SageMaker starts the green fleet, finds it unhealthy and rolls the update back (a second transition), and the deployment " +
        "then restores the recorded prior state. (v3's spoiled bytes would not get that far: the target uploads them with the registered " +
        "sha256 as their checksum and S3 refuses them as BadDigest, failing the apply.) The client is `FakeSageMaker.invoke` (a variant drawn by the serving weights, " +
        `answering with its model's tags), one request every ${CLIENT_PAUSE_MS} ms. ` +
        "The worker builds the target with its default DescribeEndpoint poll of 15 s, backing off 1.5× (the worker's environment " +
        "has no setting for it), so every SageMaker cycle settles at the first poll after the stand-in's simulated time: most of " +
        '"p50 minus simulated" is that poll, and the portal\'s own work is the time outside the wait step.',
      "- **Kubernetes stand-in**: the worker's real `KubernetesTarget` (`@kubernetes/client-node`, `MODELPORT_K8S_CONFIG` pointing at " +
        "`tests/integration/kubernetes/fake-api-server.ts`), with the bench process playing the Deployment controller and the " +
        "route's traffic exactly as the conformance harness does (`tests/integration/conformance/kubernetes-stand-in.ts`, shared by " +
        "both): a Deployment becomes available at the next 20 ms controller tick, so the stand-in simulates no provisioning time, and " +
        "v3's Deployment exceeds its progress deadline at once. The client draws a backend by the HTTPRoute's weights and is answered " +
        `by that Deployment's model if it has an available replica, one request every ${CLIENT_PAUSE_MS} ms. ` +
        "The target polls the rollout every 1 s, backing off 1.5×, but the controller's tick comes during the apply, so the first " +
        "look already finds the Deployments settled: these rows are the portal's own work against the API server.",
      "",
      "All-at-once has no bake: its one traffic step moves 100% at once with a bake of 0 s, so there is no guardrail watch in these times. " +
        "A canary or linear rollout adds its bake seconds per step on top. " +
        `With ${CYCLES} cycles the p95 is the ${CYCLES >= 20 ? "second-slowest" : "slowest"} cycle. ` +
        '"p50 minus simulated" is the median over the cycles of the total minus the stand-in\'s simulated time; "p50 outside the ' +
        "wait step\" is the median of the total minus the deployment's recorded `wait-healthy` steps (the target's own time, " +
        "simulated or real, and the polling around it): the portal's own work, the queue, and this bench's poll and request.",
      "",
      table,
      "",
      `Why the failed releases ended (the first one's failure reason per target): ${reasons}.`,
      "",
      "Where the time goes (median of each part over the cycles; steps as recorded in the deployment's events — the wait step " +
        "holds the target's own time, simulated or real, and the poll around it; the rest is the work between the recorded times: " +
        "the request's transaction before the deployment row, the enqueue, each step's bookkeeping queries, the status writes, and " +
        "this bench's poll and request):",
      "",
      partsTable,
      "",
    ].join("\n"),
  );
} finally {
  await worker.stop();
  await runtime.stop();
  await standIns.stop();
  await closeQueues();
  await database.$disconnect();
  await rm(scratch, { recursive: true, force: true });
}
