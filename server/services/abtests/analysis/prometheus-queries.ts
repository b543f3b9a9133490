import { selector } from "@/server/integrations/prometheus/promql";
import { DURATION_BUCKETS, REQUESTS, SERVER_ERROR_STATUS } from "@/server/services/latency/queries";

export const SHADOW_DURATION_BUCKETS = "modelport_runtime_shadow_request_duration_seconds_bucket";

/** A PromQL range covering `seconds` (at least one second), written in whole seconds. */
export const rangeOf = (seconds: number) => `${Math.max(1, Math.round(seconds))}s`;

/** Requests per variant of one endpoint over the range ending at the evaluation time. */
export function variantRequestsQuery(endpoint: string, rangeSeconds: number): string {
  return `sum by (variant) (increase(${selector(REQUESTS, { endpoint })}[${rangeOf(rangeSeconds)}]))`;
}

/** Server errors (5xx) per variant over the range; the status regex is a constant, not user input. */
export function variantServerErrorsQuery(endpoint: string, rangeSeconds: number): string {
  const plain = selector(REQUESTS, { endpoint });
  const withStatus = `${plain.slice(0, -1)},status=~"${SERVER_ERROR_STATUS}"}`;
  return `sum by (variant) (increase(${withStatus}[${rangeOf(rangeSeconds)}]))`;
}

/** Cumulative latency bucket counts per variant and `le` over the range (live or shadow family). */
export function variantBucketsQuery(
  endpoint: string,
  rangeSeconds: number,
  family: "live" | "shadow" = "live",
  variant?: string,
): string {
  const metric = family === "live" ? DURATION_BUCKETS : SHADOW_DURATION_BUCKETS;
  const labels: Record<string, string> = variant === undefined ? { endpoint } : { endpoint, variant };
  return `sum by (variant, le) (increase(${selector(metric, labels)}[${rangeOf(rangeSeconds)}]))`;
}
