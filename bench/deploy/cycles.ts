import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "@/server/db/client";
import type { Timing } from "@/bench/lib/stats";
import type { ServiceContext } from "@/server/services/context";
import { requestPromotion, rollBackEndpoint } from "@/server/services/deployments/promotions";
import { versionVariantName } from "@/server/integrations/targets/variant-name";

export type Serving = { runtimeUrl: string; endpointName: string; modelName: string; row: Record<string, number> };
export type Cycle = { deploymentId: string; totalMs: number };

const POLL_MS = 10;
const DEADLINE_MS = 120_000;

async function predictedVariant(serving: Serving) {
  const response = await fetch(`${serving.runtimeUrl}/v1/endpoints/${serving.endpointName}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ row: serving.row }),
  });
  if (!response.ok) return null;
  return ((await response.json()) as { variant?: string }).variant ?? null;
}

/** Waits until the deployment has SUCCEEDED and a prediction on the endpoint comes from `version`. */
async function untilServing(database: Db, deploymentId: string, serving: Serving, version: number) {
  const variant = versionVariantName(serving.modelName, version);
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const deployment = await database.deployment.findUniqueOrThrow({
      where: { id: deploymentId },
      select: { status: true, failureReason: true },
    });
    if (deployment.status === "ROLLED_BACK" || deployment.status === "FAILED") {
      throw new Error(`Deployment ${deploymentId} ended ${deployment.status}: ${deployment.failureReason}`);
    }
    if (deployment.status === "SUCCEEDED" && (await predictedVariant(serving)) === variant) return;
    if (Date.now() > deadline)
      throw new Error(`Deployment ${deploymentId} was not serving v${version} after ${DEADLINE_MS / 1000} s`);
    await sleep(POLL_MS);
  }
}

/** requestPromotion(STAGING, LOCAL, all-at-once) → deployment SUCCEEDED and the endpoint answering from the version. */
export async function promoteCycle(ctx: ServiceContext, serving: Serving, version: number): Promise<Cycle> {
  const start = performance.now();
  const { deploymentId } = await requestPromotion(ctx, {
    modelName: serving.modelName,
    version,
    environment: "STAGING",
    target: "LOCAL",
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

export type FailedCycle = Cycle & { status: string; answered: number; answeredByServing: number };

/**
 * requestPromotion of a version the runtime refuses to load → the deployment ends (ROLLED_BACK or FAILED), while a
 * client keeps predicting on the endpoint: how long until the release is over, and how many answers came from the
 * version that was serving.
 */
export async function failedReleaseCycle(
  ctx: ServiceContext,
  serving: Serving,
  version: number,
  servingVersion: number,
): Promise<FailedCycle> {
  const expected = versionVariantName(serving.modelName, servingVersion);
  let answered = 0;
  let answeredByServing = 0;
  let predicting = true;
  const client = (async () => {
    while (predicting) {
      const variant = await predictedVariant(serving);
      answered++;
      if (variant === expected) answeredByServing++;
    }
  })();
  const start = performance.now();
  const { deploymentId } = await requestPromotion(ctx, {
    modelName: serving.modelName,
    version,
    environment: "STAGING",
    target: "LOCAL",
    strategy: { kind: "all-at-once" },
    reason: "bench/deploy failed release",
  });
  if (!deploymentId) throw new Error("A staging promotion should be queued at once");
  for (;;) {
    const { status } = await ctx.db.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    if (status === "SUCCEEDED") throw new Error(`The broken release ${deploymentId} succeeded`);
    if (status === "ROLLED_BACK" || status === "FAILED") {
      const totalMs = performance.now() - start;
      predicting = false;
      await client;
      return { deploymentId, totalMs, status, answered, answeredByServing };
    }
    await sleep(POLL_MS);
  }
}
