import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "@/server/db/client";
import type { DeploymentTargetKind } from "@/server/db/generated/enums";
import type { Timing } from "@/bench/lib/stats";
import type { ServiceContext } from "@/server/services/context";
import { requestPromotion, rollBackEndpoint } from "@/server/services/deployments/promotions";

/** A staging endpoint on one target, and how a client reaches it. */
export type Serving = {
  target: DeploymentTargetKind;
  endpointName: string;
  modelName: string;
  /** One client request through the endpoint: the model version that answered it, or null when none did. */
  invoke: () => Promise<number | null>;
};
export type Cycle = { deploymentId: string; totalMs: number };

const POLL_MS = 10;
const DEADLINE_MS = 120_000;

/** Waits until the deployment has SUCCEEDED and a request through the endpoint is answered by `version`. */
async function untilServing(database: Db, deploymentId: string, serving: Serving, version: number) {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const deployment = await database.deployment.findUniqueOrThrow({
      where: { id: deploymentId },
      select: { status: true, failureReason: true },
    });
    if (deployment.status === "ROLLED_BACK" || deployment.status === "FAILED") {
      throw new Error(`Deployment ${deploymentId} ended ${deployment.status}: ${deployment.failureReason}`);
    }
    if (deployment.status === "SUCCEEDED" && (await serving.invoke()) === version) return;
    if (Date.now() > deadline)
      throw new Error(`Deployment ${deploymentId} was not serving v${version} after ${DEADLINE_MS / 1000} s`);
    await sleep(POLL_MS);
  }
}

/** requestPromotion(STAGING, the target, all-at-once) → deployment SUCCEEDED and the endpoint answering from the version. */
export async function promoteCycle(ctx: ServiceContext, serving: Serving, version: number): Promise<Cycle> {
  const start = performance.now();
  const { deploymentId } = await requestPromotion(ctx, {
    modelName: serving.modelName,
    version,
    environment: "STAGING",
    target: serving.target,
    strategy: { kind: "all-at-once" },
    reason: "bench/deploy",
  });
  if (!deploymentId) throw new Error("A staging promotion should be queued at once");
  await untilServing(ctx.db, deploymentId, serving, version);
  return { deploymentId, totalMs: performance.now() - start };
}

/** rollBackEndpoint → deployment SUCCEEDED and the endpoint answering from the previous version again. */
export async function rollbackCycle(ctx: ServiceContext, serving: Serving, endpointId: string): Promise<Cycle> {
  const start = performance.now();
  const { deploymentId, version } = await rollBackEndpoint(ctx, { endpointId, reason: "bench/deploy rollback" });
  await untilServing(ctx.db, deploymentId, serving, version);
  return { deploymentId, totalMs: performance.now() - start };
}

/** Nearest-rank percentile, as bench/lib/stats computes it. */
function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** The cycles' total times as a row for formatTable. */
export function summarize(name: string, cycles: Cycle[]): Timing {
  const times = cycles.map((c) => c.totalMs);
  return {
    name,
    samples: times.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    max: percentile(times, 100),
  };
}

/**
 * Where the time of the cycles went, as the median of each part: the wait from the deployment row's creation to
 * the worker starting it, each recorded step, and the rest (the request's transaction and enqueue, the status
 * writes between steps, this bench's poll and its prediction).
 */
export async function breakdown(database: Db, cycles: Cycle[]) {
  const parts = new Map<string, number[]>();
  const add = (name: string, ms: number) => parts.set(name, [...(parts.get(name) ?? []), ms]);
  for (const cycle of cycles) {
    const deployment = await database.deployment.findUniqueOrThrow({
      where: { id: cycle.deploymentId },
      select: {
        createdAt: true,
        startedAt: true,
        events: { orderBy: { id: "asc" }, select: { step: true, startedAt: true, finishedAt: true } },
      },
    });
    let accounted = 0;
    const pickUp = (deployment.startedAt ?? deployment.createdAt).getTime() - deployment.createdAt.getTime();
    add("queued → picked up by the worker", pickUp);
    accounted += pickUp;
    for (const event of deployment.events) {
      const ms = (event.finishedAt ?? event.startedAt).getTime() - event.startedAt.getTime();
      add(`step ${event.step}`, ms);
      accounted += ms;
    }
    add("rest", cycle.totalMs - accounted);
  }
  return [...parts].map(([name, values]) => ({ name, medianMs: percentile(values, 50) }));
}

export type FailedCycle = Cycle & {
  status: string;
  failureReason: string | null;
  answered: number;
  answeredByServing: number;
};

/**
 * requestPromotion of a version the target cannot load → the deployment ends (ROLLED_BACK or FAILED), while a client
 * keeps sending requests through the endpoint: how long until the release is over, and how many of the requests were
 * answered by the version that was serving.
 */
export async function failedReleaseCycle(
  ctx: ServiceContext,
  serving: Serving,
  version: number,
  servingVersion: number,
): Promise<FailedCycle> {
  let answered = 0;
  let answeredByServing = 0;
  let predicting = true;
  const client = (async () => {
    while (predicting) {
      const version = await serving.invoke();
      answered++;
      if (version === servingVersion) answeredByServing++;
    }
  })();
  const start = performance.now();
  const { deploymentId } = await requestPromotion(ctx, {
    modelName: serving.modelName,
    version,
    environment: "STAGING",
    target: serving.target,
    strategy: { kind: "all-at-once" },
    reason: "bench/deploy failed release",
  });
  if (!deploymentId) throw new Error("A staging promotion should be queued at once");
  for (;;) {
    const { status, failureReason } = await ctx.db.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    if (status === "SUCCEEDED") throw new Error(`The broken release ${deploymentId} succeeded`);
    if (status === "ROLLED_BACK" || status === "FAILED") {
      const totalMs = performance.now() - start;
      predicting = false;
      await client;
      return { deploymentId, totalMs, status, failureReason, answered, answeredByServing };
    }
    await sleep(POLL_MS);
  }
}

/** Everything measured on one target. */
export type TargetRun = {
  serving: Serving;
  /** The version this target cannot load: the failed release. */
  failing: number;
  endpointId: string;
  first: Cycle;
  promotions: Cycle[];
  rollbacks: Cycle[];
  failures: FailedCycle[];
};

/**
 * The first deployment (v1, which creates the endpoint), timed on its own, then one unmeasured promote/rollback pair
 * that warms the worker's, the target's and the service's code paths, as a long-running worker's are.
 */
export async function startTarget(
  ctx: ServiceContext,
  serving: Serving,
  versions: { v1: number; v2: number; failing: number },
): Promise<TargetRun> {
  const first = await promoteCycle(ctx, serving, versions.v1);
  const endpoint = await ctx.db.endpoint.findFirstOrThrow({ where: { name: serving.endpointName } });
  await promoteCycle(ctx, serving, versions.v2);
  await rollbackCycle(ctx, serving, endpoint.id);
  return {
    serving,
    failing: versions.failing,
    endpointId: endpoint.id,
    first,
    promotions: [],
    rollbacks: [],
    failures: [],
  };
}

/** One measured round on a target serving v1: promote v2, roll back to v1, then the failed release. */
export async function measureRound(ctx: ServiceContext, run: TargetRun, versions: { v1: number; v2: number }) {
  run.promotions.push(await promoteCycle(ctx, run.serving, versions.v2));
  run.rollbacks.push(await rollbackCycle(ctx, run.serving, run.endpointId));
  run.failures.push(await failedReleaseCycle(ctx, run.serving, run.failing, versions.v1));
}

/**
 * Each cycle's time outside its wait for the target to settle (the `wait-healthy` steps, which hold the target's own
 * provisioning time and the polling around it): the portal's own work, this bench's poll and its request.
 */
export async function outsideTheWait(database: Db, cycles: Cycle[]) {
  const waits = await database.deploymentEvent.findMany({
    where: { deploymentId: { in: cycles.map((c) => c.deploymentId) }, step: "wait-healthy" },
    select: { deploymentId: true, startedAt: true, finishedAt: true },
  });
  return cycles.map(
    (cycle) =>
      cycle.totalMs -
      waits
        .filter((w) => w.deploymentId === cycle.deploymentId)
        .reduce((sum, w) => sum + ((w.finishedAt ?? w.startedAt).getTime() - w.startedAt.getTime()), 0),
  );
}
