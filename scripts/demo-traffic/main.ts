import { setTimeout as sleep } from "node:timers/promises";
import { systemContextFromEnv } from "@/server/context-from-env";
import { localRuntimeConfigFromEnv } from "@/server/integrations/local-runtime/config";
import { closeRateLimits } from "@/server/rate-limit/limiter";
import { seededRandom } from "@/training/random";
import { generateTraffic } from "@/scripts/traffic/generate-traffic";
import { demoEndpoints, type DemoEndpoint } from "@/scripts/demo-traffic/demo-endpoints";
import { plannedOutcomes, takeDue, type PendingOutcome } from "@/scripts/demo-traffic/feedback-plan";
import { feedbackReporter } from "@/scripts/demo-traffic/feedback-reporter";
import { demoLabelling } from "@/scripts/demo-traffic/demo-labelling";
import { DemoTruths } from "@/scripts/demo-traffic/demo-truths";
import { closeQueues } from "@/server/jobs/define-job";

// `npm start` runs this unless MODELPORT_DEMO_TRAFFIC=0: DEMO predictions to the demo models' endpoints on the local
// runtime, and later DEMO outcomes for a share of them (the synthetic rows' true values) through the feedback API,
// so the latency, cost, drift and quality dashboards and the label queues have data within minutes; DEMO label crews
// label and review part of the sampled predictions and freeze a reviewed golden set per model (demo-labelling.ts).
// Everything it sends goes through the same runtime, services and REST API as real traffic; it is labelled DEMO.
const ROUND_SECONDS = 300;
const RATE = 2;
const BATCH = 4;
const MAX_OUTCOMES_PER_CALL = 10_000;
const FEEDBACK_EVERY_MS = 5_000;
const LABELLING_EVERY_MS = 60_000;

const system = systemContextFromEnv();
const runtime = localRuntimeConfigFromEnv();
const runtimeUrl = runtime.baseUrl.replace(/\/+$/, "");
const abort = new AbortController();
process.on("SIGINT", () => abort.abort());
process.on("SIGTERM", () => abort.abort());

async function servedEndpoints(): Promise<DemoEndpoint[]> {
  for (let waited = 0; !abort.signal.aborted; waited++) {
    const endpoints = await demoEndpoints(system.db);
    if (endpoints.length > 0) return endpoints;
    if (waited === 0) console.log("DEMO traffic: waiting for the worker to deploy the demo endpoints…");
    await sleep(10_000, undefined, { signal: abort.signal }).catch(() => undefined);
  }
  return [];
}

const pending: PendingOutcome[] = [];
const random = seededRandom(8_000);
const reporter = feedbackReporter(system);
const teamOf = new Map<string, string>();
const truths = new DemoTruths();
const labelling = demoLabelling(system, truths, seededRandom(8_100));
let reported = 0;

async function reportDue() {
  for (const group of takeDue(pending, Date.now(), MAX_OUTCOMES_PER_CALL)) {
    const endpoint = group[0]?.endpoint;
    const teamId = endpoint ? teamOf.get(endpoint) : undefined;
    if (!teamId) continue;
    // One refused call (the API answering 4xx/5xx, the database restarting) must not end the demo: say so, move on.
    const failure = await reporter.report(teamId, group).then(
      () => undefined,
      (error: unknown) => {
        if (!(error instanceof Error)) throw error;
        return error.message;
      },
    );
    if (failure) console.error(`DEMO feedback: ${group.length} outcomes not reported: ${failure}`);
    else reported += group.length;
  }
}

async function feedbackLoop() {
  while (!abort.signal.aborted) {
    await sleep(FEEDBACK_EVERY_MS, undefined, { signal: abort.signal }).catch(() => undefined);
    await reportDue();
  }
}

async function labellingLoop() {
  while (!abort.signal.aborted) {
    await sleep(LABELLING_EVERY_MS, undefined, { signal: abort.signal }).catch(() => undefined);
    if (abort.signal.aborted || truths.size === 0) continue;
    // Like the feedback loop: a failed step (the database restarting) is reported and the next step tries again.
    const step = await labelling.step().then(
      (summary) => summary,
      (error: unknown) => {
        if (!(error instanceof Error)) throw error;
        console.error(`DEMO labelling: step failed: ${error.message}`);
        return undefined;
      },
    );
    if (step && (step.labelled > 0 || step.reviewed > 0 || step.frozen.length > 0))
      console.log(
        `DEMO labelling: ${step.labelled} labels, ${step.reviewed} reviews` +
          (step.frozen.length > 0 ? `; golden set "demo-reviewed" frozen for ${step.frozen.join(", ")}` : ""),
      );
  }
}

async function trafficLoop() {
  for (let round = 0; !abort.signal.aborted; round++) {
    const endpoints = await servedEndpoints();
    for (const endpoint of endpoints) teamOf.set(endpoint.endpointName, endpoint.teamId);
    const kinds = new Map(endpoints.map((endpoint) => [endpoint.endpointName, endpoint.outcome]));
    const summary = await generateTraffic({
      runtimeUrl,
      predictKey: runtime.predictKey,
      knownEndpoints: endpoints,
      rate: RATE,
      batch: BATCH,
      durationSeconds: ROUND_SECONDS,
      seed: 9_000 + round * 97,
      signal: abort.signal,
      onServed: (served) => {
        const kind = kinds.get(served.endpoint);
        if (!kind) return;
        pending.push(...plannedOutcomes(served, kind, random));
        truths.remember(served, kind);
      },
    });
    const rows = summary.endpoints.reduce((sum, tally) => sum + tally.rows, 0);
    console.log(
      `DEMO traffic: ${rows} rows predicted in ${summary.elapsedSeconds.toFixed(0)} s; ${reported} outcomes reported so far`,
    );
  }
}

console.log(`DEMO traffic and feedback → ${runtimeUrl} (MODELPORT_DEMO_TRAFFIC=0 turns it off)`);
await Promise.all([trafficLoop(), feedbackLoop(), labellingLoop()]);
await reporter.close();
await closeQueues();
closeRateLimits();
await system.db.$disconnect();
