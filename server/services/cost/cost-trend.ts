import type { DeploymentTargetKind } from "@/contracts/enums";
import { endpointObjectName } from "@/server/integrations/kubernetes/object-names";
import { clampStep } from "@/server/integrations/prometheus/promql";
import type { MetricsContext } from "@/server/services/context";
import { dollarsPerThousand } from "@/server/services/cost/cost-math";
import { resolveWindow } from "@/server/services/cost/cost-overview";
import type { CostTrend, CostWindowInput, PromQuery, TrendPoint } from "@/server/services/cost/schemas";
import {
  instancesTrendQuery,
  POD_ENDPOINT_LABEL,
  podPredictionsTrendQuery,
  predictionsTrendQuery,
} from "@/server/services/cost/cost-queries";
import { endpointOwners } from "@/server/services/cost/endpoint-owners";
import { priceTable } from "@/server/services/cost/pricing";

/** Targets whose endpoints' predictions Prometheus counts: the local runtime's and Kubernetes runtime pods'. */
const COUNTED_IN_PROMETHEUS: ReadonlySet<DeploymentTargetKind> = new Set(["LOCAL", "KUBERNETES"]);

const gaugeTarget = (target: string | undefined): DeploymentTargetKind =>
  target === "sagemaker" ? "SAGEMAKER" : target === "kubernetes" ? "KUBERNETES" : "LOCAL";

/**
 * $/hour and predictions/hour over the window (a range query), in total and per team. The $/1k predictions of a point
 * divides the cost of the endpoints whose predictions Prometheus counts (local runtime, Kubernetes pods) by those same
 * endpoints' predictions; SageMaker endpoints (counted by CloudWatch, see the overview) are left out of it and listed.
 */
export async function costTrend(
  ctx: Pick<MetricsContext, "db" | "prometheus">,
  input: CostWindowInput,
): Promise<CostTrend> {
  const { start, end, stepSeconds: requested } = resolveWindow(input);
  const stepSeconds = clampStep(start.getTime() / 1000, end.getTime() / 1000, requested);
  const range = { start, end, stepSeconds };
  const queries = {
    instances: instancesTrendQuery(),
    predictions: predictionsTrendQuery(stepSeconds),
    podPredictions: podPredictionsTrendQuery(stepSeconds),
  };
  const [instances, predictions, podPredictions, prices, kubernetesEndpoints] = await Promise.all([
    ctx.prometheus.queryRange(queries.instances, range),
    ctx.prometheus.queryRange(queries.predictions, range),
    ctx.prometheus.queryRange(queries.podPredictions, range),
    priceTable(ctx),
    ctx.db.endpoint.findMany({ where: { target: "KUBERNETES" }, select: { name: true } }),
  ]);
  const byObjectName = new Map(kubernetesEndpoints.map((e) => [endpointObjectName(e.name), e.name]));
  const owners = await endpointOwners(ctx, [
    ...new Set([...instances, ...predictions].map((s) => s.metric.endpoint ?? "")),
  ]);
  const total = new Map<number, TrendPoint>();
  /** Per point: the cost per hour of the endpoints whose predictions are counted here. */
  const countedUsd = new Map<number, number>();
  const teams = new Map<string, Map<number, number>>();
  const point = (t: number) => {
    let p = total.get(t);
    if (!p) total.set(t, (p = { t: t * 1000, usdPerHour: 0, predictionsPerHour: 0, usdPer1kPredictions: null }));
    return p;
  };
  const unpriced = new Set<string>();
  const excluded = new Set<string>();
  for (const series of instances) {
    const price = prices.get(series.metric.instance_type ?? "");
    if (price === undefined) {
      unpriced.add(series.metric.instance_type ?? "");
      continue;
    }
    const endpoint = series.metric.endpoint ?? "";
    const target = owners.get(endpoint)?.target ?? gaugeTarget(series.metric.target);
    const counted = COUNTED_IN_PROMETHEUS.has(target);
    if (!counted) excluded.add(endpoint);
    const team = owners.get(endpoint)?.teamName ?? "No team";
    const perTeam = teams.get(team) ?? new Map<number, number>();
    teams.set(team, perTeam);
    for (const { timestamp, value } of series.values) {
      if (!Number.isFinite(value)) continue;
      point(timestamp).usdPerHour += value * price;
      if (counted) countedUsd.set(timestamp, (countedUsd.get(timestamp) ?? 0) + value * price);
      perTeam.set(timestamp, (perTeam.get(timestamp) ?? 0) + value * price);
    }
  }
  const localSeries = predictions.filter((s) =>
    COUNTED_IN_PROMETHEUS.has(owners.get(s.metric.endpoint ?? "")?.target ?? "LOCAL"),
  );
  const podSeries = podPredictions.filter((s) => byObjectName.has(s.metric[POD_ENDPOINT_LABEL] ?? ""));
  for (const series of [...localSeries, ...podSeries]) {
    for (const { timestamp, value } of series.values)
      if (Number.isFinite(value)) point(timestamp).predictionsPerHour += value;
  }
  const points = [...total.values()].sort((a, b) => a.t - b.t);
  for (const p of points)
    p.usdPer1kPredictions = dollarsPerThousand(countedUsd.get(p.t / 1000) ?? 0, p.predictionsPerHour);
  const promql: PromQuery[] = [
    { label: "Instances per endpoint and type (range query; × price = $/hour)", promql: queries.instances, time: end },
    { label: "Predictions per hour per local endpoint (range query)", promql: queries.predictions, time: end },
    {
      label: "Predictions per hour per Kubernetes endpoint, from its runtime pods (range query)",
      promql: queries.podPredictions,
      time: end,
    },
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
    per1kExcludes: [...excluded].sort(),
    promql,
  };
}
