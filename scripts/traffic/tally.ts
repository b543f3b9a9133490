const LATENCY_WINDOW = 2_000;

/** What one endpoint received from this run. `rows` counts rows the runtime accepted and served. */
export type EndpointTally = {
  endpoint: string;
  source: string;
  requests: number;
  okRequests: number;
  rows: number;
  driftedRows: number;
  malformedRequests: number;
  /** Failed requests by HTTP status ("network" when the runtime did not answer). */
  errors: Record<string, number>;
  rowsByVariant: Record<string, number>;
  /** The latest request latencies (milliseconds), for the live percentiles. */
  recentLatencyMs: number[];
};

export function emptyTally(endpoint: string, source: string): EndpointTally {
  return {
    endpoint,
    source,
    requests: 0,
    okRequests: 0,
    rows: 0,
    driftedRows: 0,
    malformedRequests: 0,
    errors: {},
    rowsByVariant: {},
    recentLatencyMs: [],
  };
}

export function recordLatency(tally: EndpointTally, milliseconds: number) {
  tally.recentLatencyMs.push(milliseconds);
  if (tally.recentLatencyMs.length > LATENCY_WINDOW)
    tally.recentLatencyMs.splice(0, tally.recentLatencyMs.length - LATENCY_WINDOW);
}

export function percentile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const ms = (value: number | undefined) => (value === undefined ? "–" : `${value.toFixed(1)} ms`);

/** One line per endpoint, e.g. for the live summary of `npm run traffic`. */
export function formatTally(tally: EndpointTally): string {
  const failed =
    Object.entries(tally.errors)
      .map(([status, count]) => `${count}×${status}`)
      .join(" ") || "none";
  const variants = Object.entries(tally.rowsByVariant)
    .map(([variant, rows]) => `${variant}=${rows}`)
    .join(" ");
  return (
    `${tally.endpoint} (${tally.source}): ${tally.requests} requests, ${tally.rows} rows served [${variants}], ` +
    `${tally.driftedRows} drifted rows, failed: ${failed} (${tally.malformedRequests} deliberately malformed), ` +
    `p50 ${ms(percentile(tally.recentLatencyMs, 0.5))} p95 ${ms(percentile(tally.recentLatencyMs, 0.95))}`
  );
}
