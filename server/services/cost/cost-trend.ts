import { clampStep } from "@/server/integrations/prometheus/promql";
import type { MetricsContext } from "@/server/services/context";
import { dollarsPerThousand } from "@/server/services/cost/cost-math";
import { resolveWindow } from "@/server/services/cost/cost-overview";
import type { CostTrend, CostWindowInput, PromQuery, TrendPoint } from "@/server/services/cost/schemas";
import { instancesTrendQuery, predictionsTrendQuery } from "@/server/services/cost/cost-queries";
import { endpointOwners } from "@/server/services/cost/endpoint-owners";
import { priceTable } from "@/server/services/cost/pricing";

/** $/hour and predictions/hour over the window (a range query), in total and per team. */
export async function costTrend(
  ctx: Pick<MetricsContext, "db" | "prometheus">,
  input: CostWindowInput,
): Promise<CostTrend> {
  const { start, end, stepSeconds: requested } = resolveWindow(input);
  const stepSeconds = clampStep(start.getTime() / 1000, end.getTime() / 1000, requested);
  const range = { start, end, stepSeconds };
  const queries = { instances: instancesTrendQuery(), predictions: predictionsTrendQuery(stepSeconds) };
  const [instances, predictions, prices] = await Promise.all([
    ctx.prometheus.queryRange(queries.instances, range),
    ctx.prometheus.queryRange(queries.predictions, range),
    priceTable(ctx),
  ]);
  const owners = await endpointOwners(ctx, [
    ...new Set([...instances, ...predictions].map((s) => s.metric.endpoint ?? "")),
  ]);
  const total = new Map<number, TrendPoint>();
  const teams = new Map<string, Map<number, number>>();
  const point = (t: number) => {
    let p = total.get(t);
    if (!p) total.set(t, (p = { t: t * 1000, usdPerHour: 0, predictionsPerHour: 0, usdPer1kPredictions: null }));
    return p;
  };
  const unpriced = new Set<string>();
  for (const series of instances) {
    const price = prices.get(series.metric.instance_type ?? "");
    if (price === undefined) {
      unpriced.add(series.metric.instance_type ?? "");
      continue;
    }
    const team = owners.get(series.metric.endpoint ?? "")?.teamName ?? "No team";
    const perTeam = teams.get(team) ?? new Map<number, number>();
    teams.set(team, perTeam);
    for (const { timestamp, value } of series.values) {
      if (!Number.isFinite(value)) continue;
      point(timestamp).usdPerHour += value * price;
      perTeam.set(timestamp, (perTeam.get(timestamp) ?? 0) + value * price);
    }
  }
  for (const series of predictions) {
    for (const { timestamp, value } of series.values)
      if (Number.isFinite(value)) point(timestamp).predictionsPerHour += value;
  }
  const points = [...total.values()].sort((a, b) => a.t - b.t);
  for (const p of points) p.usdPer1kPredictions = dollarsPerThousand(p.usdPerHour, p.predictionsPerHour);
  const promql: PromQuery[] = [
    { label: "Instances per endpoint and type (range query; × price = $/hour)", promql: queries.instances, time: end },
    { label: "Predictions per hour per endpoint (range query)", promql: queries.predictions, time: end },
  ];
  return {
    start,
    end,
    stepSeconds,
    points,
    teams: [...teams].map(([teamName, values]) => ({
      teamName,
      points: [...values].sort(([a], [b]) => a - b).map(([t, usdPerHour]) => ({ t: t * 1000, usdPerHour })),
    })),
    unpricedInstanceTypes: [...unpriced],
    promql,
  };
}
