import type { InstantSample, PrometheusClient } from "@/server/integrations/prometheus/client";
import { quantileQuery, SERVER_ERROR_STATUS, statusRatioQuery } from "./latency-queries";
import { SLO } from "./latency-ranges";

/**
 * Burn rate = the window's server-error ratio / the error budget (1 − objective): 1 spends the budget exactly over
 * the SLO period, 14.4 over 1 h would spend a 30-day budget in about two days.
 */
function burnQuery(labels: Record<string, string>, window: string): string {
  const budget = Number((1 - SLO.availabilityObjective).toPrecision(6));
  return `${statusRatioQuery(SERVER_ERROR_STATUS, labels, window, "endpoint")} / ${budget}`;
}

/** Per endpoint: p99 over the last hour against the target, and how fast the error budget is being spent. */
export async function sloStatus(prometheus: PrometheusClient, labels: Record<string, string>, at: Date) {
  const queries = {
    p99: quantileQuery(0.99, labels, "1h", "endpoint"),
    burn1h: burnQuery(labels, "1h"),
    burn6h: burnQuery(labels, "6h"),
    budgetUsed30d: burnQuery(labels, "30d"),
  };
  const [p99, burn1h, burn6h, budgetUsed30d] = await Promise.all([
    prometheus.query(queries.p99, at),
    prometheus.query(queries.burn1h, at),
    prometheus.query(queries.burn6h, at),
    prometheus.query(queries.budgetUsed30d, at),
  ]);
  const value = (samples: InstantSample[], endpoint: string) => {
    const found = samples.find((s) => s.metric.endpoint === endpoint)?.value;
    return found === undefined || Number.isNaN(found) ? null : found;
  };
  const endpoints = [...new Set([...p99, ...burn1h, ...burn6h, ...budgetUsed30d].map((s) => s.metric.endpoint ?? ""))].sort();
  return {
    ...SLO,
    queries,
    endpoints: endpoints.map((endpoint) => ({
      endpoint,
      p99: value(p99, endpoint),
      burn1h: value(burn1h, endpoint),
      burn6h: value(burn6h, endpoint),
      budgetUsed30d: value(budgetUsed30d, endpoint),
    })),
  };
}
