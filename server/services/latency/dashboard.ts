import type { InstantSample, RangeSeries } from "@/server/integrations/prometheus/client";
import { clampStep } from "@/server/integrations/prometheus/promql";
import type { MetricsContext } from "@/server/services/context";
import {
  CLIENT_ERROR_STATUS,
  endpointFilter,
  quantileQuery,
  queryAll,
  requestCountQuery,
  requestRateQuery,
  SERVER_ERROR_STATUS,
  statusRatioQuery,
} from "@/server/services/latency/queries";
import { LATENCY_RANGES } from "@/contracts/latency-ranges";
import { sloStatus } from "@/server/services/slo/latency-slo";
import { latencyInput, type LatencyDashboard, type LatencyInput } from "@/server/services/latency/schemas";

/** Rates need a window spanning several scrapes; a minute covers scrape intervals up to 15 s. */
const MIN_RATE_WINDOW_SECONDS = 60;

/** NaN (e.g. a quantile of no requests) means "nothing measured", shown as a gap rather than a number. */
const measured = (value: number): number | null => (Number.isNaN(value) ? null : value);
const seriesKey = (metric: Record<string, string>) => `${metric.endpoint ?? ""}\u0000${metric.variant ?? ""}`;

/**
 * Latency, traffic and errors per endpoint and variant over a range, read from Prometheus. Every number comes with
 * the PromQL that produced it and the evaluation time, so it can be checked against Prometheus directly. SLO targets
 * come from each endpoint's settings in the database.
 */
export async function latencyDashboard(ctx: MetricsContext, rawInput: LatencyInput): Promise<LatencyDashboard> {
  const input = latencyInput.parse(rawInput);
  const end = new Date(Math.floor((input.at ?? ctx.clock()).getTime() / 1000) * 1000);
  const rangeSeconds = LATENCY_RANGES[input.range];
  const start = new Date(end.getTime() - rangeSeconds * 1000);
  const stepSeconds = clampStep(start.getTime() / 1000, end.getTime() / 1000);
  const chartWindow = `${Math.max(stepSeconds, MIN_RATE_WINDOW_SECONDS)}s`;
  const labels = endpointFilter(input.endpoint);

  const summaryQueries = {
    requests: requestCountQuery(labels, input.range),
    rps: requestRateQuery(labels, input.range),
    errorRatio: statusRatioQuery(SERVER_ERROR_STATUS, labels, input.range),
    clientErrorRatio: statusRatioQuery(CLIENT_ERROR_STATUS, labels, input.range),
    p50: quantileQuery(0.5, labels, input.range),
    p95: quantileQuery(0.95, labels, input.range),
    p99: quantileQuery(0.99, labels, input.range),
  };
  const seriesQueries = {
    p50: quantileQuery(0.5, labels, chartWindow),
    p95: quantileQuery(0.95, labels, chartWindow),
    p99: quantileQuery(0.99, labels, chartWindow),
    rps: requestRateQuery(labels, chartWindow),
    errorRatio: statusRatioQuery(SERVER_ERROR_STATUS, labels, chartWindow),
  };
  const [summary, series, slo] = await Promise.all([
    queryAll(summaryQueries, (q) => ctx.prometheus.query(q, end)),
    Promise.all(
      Object.entries(seriesQueries).map(
        async ([name, q]) => [name, await ctx.prometheus.queryRange(q, { start, end, stepSeconds })] as const,
      ),
    ),
    sloStatus(ctx, labels, end),
  ]);
  return {
    range: input.range,
    endpoint: input.endpoint ?? null,
    start,
    end,
    stepSeconds,
    chartWindow,
    queries: { summary: summaryQueries, series: seriesQueries },
    rows: summaryRows(summary),
    series: chartSeries(Object.fromEntries(series) as Record<keyof typeof seriesQueries, RangeSeries[]>),
    slo,
  };
}

function summaryRows(
  summary: Record<"requests" | "rps" | "errorRatio" | "clientErrorRatio" | "p50" | "p95" | "p99", InstantSample[]>,
) {
  const valueOf = (samples: InstantSample[], key: string) => {
    const found = samples.find((s) => seriesKey(s.metric) === key);
    return found ? measured(found.value) : null;
  };
  return summary.requests
    .filter((s) => s.value > 0)
    .map((s) => {
      const key = seriesKey(s.metric);
      return {
        endpoint: s.metric.endpoint ?? "",
        variant: s.metric.variant ?? "",
        requests: s.value,
        rps: valueOf(summary.rps, key),
        errorRatio: valueOf(summary.errorRatio, key),
        clientErrorRatio: valueOf(summary.clientErrorRatio, key),
        p50: valueOf(summary.p50, key),
        p95: valueOf(summary.p95, key),
        p99: valueOf(summary.p99, key),
      };
    })
    .sort((a, b) => a.endpoint.localeCompare(b.endpoint) || a.variant.localeCompare(b.variant));
}

type ChartPoint = {
  t: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  rps: number | null;
  errorRatio: number | null;
};

/** One line per endpoint × variant, its points merged across the five range queries by timestamp. */
function chartSeries(results: Record<"p50" | "p95" | "p99" | "rps" | "errorRatio", RangeSeries[]>) {
  const lines = new Map<string, { endpoint: string; variant: string; points: Map<number, ChartPoint> }>();
  for (const [name, seriesList] of Object.entries(results) as Array<[keyof typeof results, RangeSeries[]]>) {
    for (const { metric, values } of seriesList) {
      const key = seriesKey(metric);
      let line = lines.get(key);
      if (!line)
        lines.set(key, (line = { endpoint: metric.endpoint ?? "", variant: metric.variant ?? "", points: new Map() }));
      for (const { timestamp, value } of values) {
        let point = line.points.get(timestamp);
        if (!point)
          line.points.set(
            timestamp,
            (point = { t: timestamp, p50: null, p95: null, p99: null, rps: null, errorRatio: null }),
          );
        point[name] = measured(value);
      }
    }
  }
  return [...lines.values()]
    .map((line) => ({
      endpoint: line.endpoint,
      variant: line.variant,
      points: [...line.points.values()].sort((a, b) => a.t - b.t),
    }))
    .sort((a, b) => a.endpoint.localeCompare(b.endpoint) || a.variant.localeCompare(b.variant));
}
