import type { InstantSample } from "@/server/integrations/prometheus/client";
import type { MetricsContext } from "@/server/services/context";
import {
  quantileQuery,
  queryAll,
  requestCountQuery,
  SERVER_ERROR_STATUS,
  statusRatioQuery,
} from "@/server/services/latency/queries";
import { burnRate, DEFAULT_SLO, errorBudget } from "@/contracts/slo-rules";

const valueFor = (samples: InstantSample[], endpoint: string) => {
  const found = samples.find((s) => s.metric.endpoint === endpoint)?.value;
  return found === undefined || Number.isNaN(found) ? null : found;
};

/**
 * Per endpoint Prometheus measures: p99 over the last hour against that endpoint's own target, and how fast it
 * spends its own error budget. Prometheus returns one server-error ratio per window for all endpoints; each is
 * divided by the endpoint's budget (1 − objective) here. Endpoints the portal does not know get the defaults.
 */
export async function sloStatus(
  ctx: Pick<MetricsContext, "db" | "prometheus">,
  labels: Record<string, string>,
  at: Date,
) {
  const queries = {
    p99: quantileQuery(0.99, labels, "1h", "endpoint"),
    requests1h: requestCountQuery(labels, "1h", "endpoint"),
    errorRatio1h: statusRatioQuery(SERVER_ERROR_STATUS, labels, "1h", "endpoint"),
    errorRatio6h: statusRatioQuery(SERVER_ERROR_STATUS, labels, "6h", "endpoint"),
    errorRatio30d: statusRatioQuery(SERVER_ERROR_STATUS, labels, "30d", "endpoint"),
  };
  const results = await queryAll(queries, (promql) => ctx.prometheus.query(promql, at));
  const names = [
    ...new Set(Object.values(results).flatMap((samples) => samples.map((s) => s.metric.endpoint ?? ""))),
  ].sort();
  const known = await ctx.db.endpoint.findMany({
    where: { name: { in: names } },
    select: { id: true, name: true, sloP99Ms: true, sloAvailability: true },
  });
  const byName = new Map(known.map((e) => [e.name, e]));
  return {
    defaults: DEFAULT_SLO,
    queries,
    endpoints: names.map((endpoint) => {
      const own = byName.get(endpoint);
      const objective = own ? { p99Ms: own.sloP99Ms, availability: own.sloAvailability } : DEFAULT_SLO;
      const errorRatio1h = valueFor(results.errorRatio1h, endpoint);
      return {
        endpoint,
        endpointId: own?.id ?? null,
        objective: {
          source: own ? ("endpoint" as const) : ("default" as const),
          p99TargetSeconds: objective.p99Ms / 1000,
          availability: objective.availability,
          errorBudget: errorBudget(objective.availability),
        },
        p99: valueFor(results.p99, endpoint),
        requests1h: valueFor(results.requests1h, endpoint),
        errorRatio1h,
        burn1h: burnRate(errorRatio1h, objective.availability),
        burn6h: burnRate(valueFor(results.errorRatio6h, endpoint), objective.availability),
        // Burn over the whole 30-day SLO period is the share of the period's budget spent.
        budgetUsed30d: burnRate(valueFor(results.errorRatio30d, endpoint), objective.availability),
      };
    }),
  };
}

export type SloStatus = Awaited<ReturnType<typeof sloStatus>>;
