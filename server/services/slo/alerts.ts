import type { Prisma } from "@/server/db/generated/client";
import { asObject, isDismissed } from "@/server/services/alerts/alerts";
import type { MetricsContext, ReadContext } from "@/server/services/context";
import { sloStatus, type SloStatus } from "@/server/services/slo/latency-slo";
import { classifySlo, FAST_BURN, MIN_REQUESTS_FOR_P99, type SloBreach } from "@/contracts/slo-rules";

export const sloAlertKey = (endpointId: string) => `slo:${endpointId}`;

type Measured = SloStatus["endpoints"][number];

const ms = (seconds: number) => `${Number((seconds * 1000).toPrecision(4))} ms`;
const percent = (ratio: number) => `${Number((ratio * 100).toPrecision(4))} %`;

function alertFor(e: Measured, breach: SloBreach) {
  const burn = `The 1 h burn rate is ${(e.burn1h ?? 0).toFixed(1)}× (fast burn from ${FAST_BURN}×): ${percent(e.errorRatio1h ?? 0)} of requests in the last hour were server errors against an error budget of ${percent(e.objective.errorBudget)} (objective ${percent(e.objective.availability)}).`;
  const slow = `p99 latency over the last hour is ${ms(e.p99 ?? 0)} against a target of ${ms(e.objective.p99TargetSeconds)} (${Math.round(e.requests1h ?? 0)} requests in the hour).`;
  return {
    severity: breach.severity,
    title: breach.fastBurn
      ? `${e.endpoint} is burning its error budget fast`
      : `${e.endpoint} p99 latency is over its target`,
    message: [breach.fastBurn ? burn : null, breach.slow ? slow : null].filter(Boolean).join(" "),
  };
}

/**
 * One LATENCY_SLO alert per endpoint the portal knows: CRITICAL while the 1 h burn rate is fast, WARNING while p99
 * over the hour is above the endpoint's target on at least MIN_REQUESTS_FOR_P99 requests, resolved when neither
 * holds (an endpoint without traffic holds neither). A dismissed alert stays dismissed until it changes severity or
 * its condition clears. Safe to run again at any time: the dedupe key keeps one row per endpoint.
 */
export async function checkLatencySlos(ctx: MetricsContext) {
  const now = ctx.clock();
  const status = await sloStatus(ctx, {}, now);
  const failing: string[] = [];
  const raised: string[] = [];
  for (const e of status.endpoints) {
    if (e.endpointId === null) continue;
    const breach = classifySlo({
      p99Seconds: e.p99,
      requests1h: e.requests1h,
      burn1h: e.burn1h,
      p99TargetSeconds: e.objective.p99TargetSeconds,
    });
    if (!breach) continue;
    const dedupeKey = sloAlertKey(e.endpointId);
    failing.push(dedupeKey);
    const alert = alertFor(e, breach);
    const existing = await ctx.db.alert.findUnique({ where: { dedupeKey } });
    if (existing?.resolvedAt && existing.severity === alert.severity && isDismissed(existing.details)) continue;
    const details: Prisma.InputJsonValue = {
      at: now.toISOString(),
      p99Seconds: e.p99,
      p99TargetSeconds: e.objective.p99TargetSeconds,
      requests1h: e.requests1h,
      minRequests: MIN_REQUESTS_FOR_P99,
      errorRatio1h: e.errorRatio1h,
      availability: e.objective.availability,
      burn1h: e.burn1h,
    };
    await ctx.db.alert.upsert({
      where: { dedupeKey },
      create: { kind: "LATENCY_SLO", dedupeKey, endpointId: e.endpointId, details, ...alert },
      update: { ...alert, details, resolvedAt: null },
    });
    raised.push(dedupeKey);
  }
  const resolved = await clearHealthy(ctx, failing, now);
  return { raised, resolved };
}

/** Resolves open alerts whose condition no longer holds, and forgets dismissals, so the next breach alerts afresh. */
async function clearHealthy(ctx: ReadContext, failing: string[], now: Date) {
  const cleared = await ctx.db.alert.findMany({ where: { kind: "LATENCY_SLO", dedupeKey: { notIn: failing } } });
  const resolved: string[] = [];
  for (const alert of cleared) {
    if (alert.resolvedAt && !isDismissed(alert.details)) continue;
    const { dismissedById: _dismissedBy, ...details } = asObject(alert.details);
    await ctx.db.alert.update({ where: { id: alert.id }, data: { resolvedAt: alert.resolvedAt ?? now, details } });
    if (!alert.resolvedAt) resolved.push(alert.dedupeKey);
  }
  return resolved;
}
