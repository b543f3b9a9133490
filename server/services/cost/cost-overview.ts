import { clampStep } from "@/server/integrations/prometheus/promql";
import type { MetricsContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { alignWindow, type AlignedWindow } from "@/server/services/cost/cost-math";
import { COST_RANGES } from "@/contracts/cost-ranges";
import { deploymentTargetKindSchema, type DeploymentTargetKind } from "@/contracts/enums";
import { instanceSecondsQuery, instancesNowQuery } from "@/server/services/cost/cost-queries";
import { measurePredictions } from "@/server/services/cost/predictions";
import { costRows, groupings } from "@/server/services/cost/cost-rows";
import { endpointOwners } from "@/server/services/cost/endpoint-owners";
import { priceTable } from "@/server/services/cost/pricing";
import type { PrometheusSource } from "@/server/integrations/prometheus/client";
import {
  costWindowInput,
  type CostOverview,
  type CostWindowInput,
  type PromQuery,
  type VariantUsage,
} from "@/server/services/cost/schemas";

/**
 * How often the instance gauge is sampled for cost: a change counts from the next step, so finer is fairer; long
 * windows get coarser steps from clampStep (a 31-day month samples about every 4 minutes).
 */
const DEFAULT_COST_STEP_SECONDS = 15;

/** The window's start, end and requested step; a named range ends now. */
export function resolveWindow(input: CostWindowInput, now = new Date()) {
  const parsed = parseInput(costWindowInput, input);
  if ("range" in parsed)
    return { start: new Date(now.getTime() - COST_RANGES[parsed.range] * 1000), end: now, stepSeconds: undefined };
  return parsed;
}

/** Aligns the window to whole steps (see alignWindow); the step never exceeds the Prometheus point limit. */
export function costWindow(input: CostWindowInput): AlignedWindow {
  const { start, end, stepSeconds } = resolveWindow(input);
  const step = clampStep(start.getTime() / 1000, end.getTime() / 1000, stepSeconds ?? DEFAULT_COST_STEP_SECONDS);
  return alignWindow(start, end, step);
}

/** The target whose gauge measured a series: the target gauge's `target` label, else the local runtime. */
function gaugeTarget(metric: Record<string, string>): DeploymentTargetKind {
  const parsed = deploymentTargetKindSchema.safeParse((metric.target ?? "local").toUpperCase());
  return parsed.success ? parsed.data : "LOCAL";
}

/** Instance-seconds and current instances per variant, straight from Prometheus. */
export async function measureUsage(prometheus: PrometheusSource, window: AlignedWindow) {
  const queries = {
    instanceSeconds: instanceSecondsQuery(window.rangeSeconds, window.stepSeconds),
    instancesNow: instancesNowQuery(),
  };
  const time = window.evaluationTime;
  const [seconds, now] = await Promise.all([
    prometheus.query(queries.instanceSeconds, time),
    prometheus.query(queries.instancesNow, window.requestedEnd),
  ]);
  const usage = new Map<string, VariantUsage>();
  const entry = (m: Record<string, string>) => {
    const u = {
      endpoint: m.endpoint ?? "",
      variant: m.variant ?? "",
      instanceType: m.instance_type ?? "",
      target: gaugeTarget(m),
    };
    const key = `${u.endpoint}\u0000${u.variant}\u0000${u.instanceType}\u0000${u.target}`;
    let found = usage.get(key);
    if (!found) usage.set(key, (found = { ...u, instanceSeconds: 0, instancesNow: 0 }));
    return found;
  };
  for (const s of seconds) entry(s.metric).instanceSeconds += finite(s.value);
  for (const s of now) entry(s.metric).instancesNow += finite(s.value);
  const promql: PromQuery[] = [
    { label: "Instance-seconds per variant (× price = $)", promql: queries.instanceSeconds, time },
    { label: "Instances now per variant (× price = $/hour)", promql: queries.instancesNow, time: window.requestedEnd },
  ];
  return { usage: [...usage.values()], promql };
}

const finite = (value: number) => (Number.isFinite(value) ? value : 0);

/**
 * Cost for a window: totals and rows by endpoint, model, team and target, with the PromQL behind every number. Each
 * endpoint's predictions are counted on its own target (measurePredictions), so $/1k predictions divides a row's cost
 * by the predictions of the same endpoints.
 */
export async function costOverview(
  ctx: Pick<MetricsContext, "db" | "prometheus" | "cloudwatch">,
  input: CostWindowInput,
): Promise<CostOverview> {
  const window = costWindow(input);
  const [{ usage, promql: usageQueries }, prices] = await Promise.all([
    measureUsage(ctx.prometheus, window),
    priceTable(ctx),
  ]);
  const { predictions, promql: predictionQueries } = await measurePredictions(ctx, window, usage);
  const endpoints = [...new Set([...usage.map((u) => u.endpoint), ...predictions.keys()])];
  const owners = await endpointOwners(ctx, endpoints);
  const by = groupings(owners, new Map([...predictions.values()].map((p) => [p.endpoint, p.target])));
  const rows = (grouping: (typeof by)[keyof typeof by]) => costRows(usage, predictions, prices, grouping);
  const [total] = rows(by.total);
  const predicted = [...predictions.values()].some((p) => (p.predictions ?? 0) > 0);
  return {
    window: { start: window.start, end: window.end, stepSeconds: window.stepSeconds },
    measured: usage.length > 0 || predicted,
    total: total ?? null,
    byEndpoint: rows(by.endpoint),
    byModel: rows(by.model),
    byTeam: rows(by.team),
    byTarget: rows(by.target),
    variants: usage,
    predictions: [...predictions.values()].sort((a, b) => a.endpoint.localeCompare(b.endpoint)),
    prices: Object.fromEntries(prices),
    promql: [...usageQueries, ...predictionQueries],
  };
}
