import type { InstantSample } from "@/server/integrations/prometheus/client";
import { selector } from "@/server/integrations/prometheus/promql";

export const REQUESTS = "modelport_runtime_requests_total";
export const DURATION_BUCKETS = "modelport_runtime_request_duration_seconds_bucket";

/**
 * Server errors (5xx: model failures, injected faults, no variant with traffic) count against the endpoint.
 * Caller errors (4xx: rows that fail the signature, unknown endpoints, oversized bodies) are the caller's
 * mistake and are reported separately, never as errors of the endpoint.
 */
export const SERVER_ERROR_STATUS = "5..";
export const CLIENT_ERROR_STATUS = "4..";

export type Grouping = "endpoint" | "endpoint, variant";

/** `{endpoint="x"}` when one endpoint is chosen, `{}` for all of them. */
export function endpointFilter(endpoint: string | undefined): Record<string, string> {
  return endpoint === undefined ? {} : { endpoint };
}

function withStatus(metric: string, labels: Record<string, string>, statusPattern: string): string {
  // selector() only writes equality matchers; the status regex is a fixed constant, not user input.
  const plain = selector(metric, labels);
  return `${plain.slice(0, -1)}${plain.endsWith("{}") ? "" : ","}status=~"${statusPattern}"}`;
}

const rate = (series: string, window: string) => `rate(${series}[${window}])`;

export function quantileQuery(
  q: number,
  labels: Record<string, string>,
  window: string,
  by: Grouping = "endpoint, variant",
): string {
  return `histogram_quantile(${q}, sum by (le, ${by}) (${rate(selector(DURATION_BUCKETS, labels), window)}))`;
}

export function requestRateQuery(
  labels: Record<string, string>,
  window: string,
  by: Grouping = "endpoint, variant",
): string {
  return `sum by (${by}) (${rate(selector(REQUESTS, labels), window)})`;
}

export function requestCountQuery(
  labels: Record<string, string>,
  window: string,
  by: Grouping = "endpoint, variant",
): string {
  return `sum by (${by}) (increase(${selector(REQUESTS, labels)}[${window}]))`;
}

/**
 * The share of requests answered with `statusPattern`; 0 (not missing) for series that had traffic but no such
 * status, so a healthy endpoint shows 0 % rather than no data.
 */
export function statusRatioQuery(
  statusPattern: string,
  labels: Record<string, string>,
  window: string,
  by: Grouping = "endpoint, variant",
): string {
  const all = requestRateQuery(labels, window, by);
  const matching = `sum by (${by}) (${rate(withStatus(REQUESTS, labels, statusPattern), window)})`;
  return `(${matching} or ${all} * 0) / ${all}`;
}

/** Runs named instant queries at once; the results keep the names. */
export async function queryAll<K extends string>(
  queries: Record<K, string>,
  run: (promql: string) => Promise<InstantSample[]>,
) {
  const entries = await Promise.all(
    Object.entries<string>(queries).map(async ([name, promql]) => [name, await run(promql)] as const),
  );
  return Object.fromEntries(entries) as Record<K, InstantSample[]>;
}
