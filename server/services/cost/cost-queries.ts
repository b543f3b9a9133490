/**
 * The PromQL behind every cost number, returned with the numbers so anyone can rerun them in Prometheus.
 *
 * Instances come from two gauge families: the local runtime's `modelport_runtime_variant_instances` (set while a
 * variant is loaded) and the worker's `modelport_target_variant_instances` (SageMaker and Kubernetes variants,
 * read from the database on scrape). They never share a label set (the target family has a `target` label), so
 * `or` simply unions them.
 */
export const RUNTIME_INSTANCES = "modelport_runtime_variant_instances";
export const TARGET_INSTANCES = "modelport_target_variant_instances";
export const PREDICTED_ROWS = "modelport_runtime_predicted_rows_total";

const INSTANCES = `(${RUNTIME_INSTANCES} or ${TARGET_INSTANCES})`;
const BY_VARIANT = "endpoint, variant, instance_type";

/**
 * Instance-seconds per variant over the window: the gauge sampled at every step by a subquery, each sample standing
 * for one step. Summing samples (rather than avg_over_time × range) counts a variant only for the steps it existed,
 * so an endpoint created half-way through is charged for half the window, and the result is exactly
 * Σ instances × seconds at step resolution.
 */
export function instanceSecondsQuery(rangeSeconds: number, stepSeconds: number): string {
  return `sum by (${BY_VARIANT}) (sum_over_time(${INSTANCES}[${rangeSeconds}s:${stepSeconds}s])) * ${stepSeconds}`;
}

/** Instances running at one instant, per variant. */
export function instancesNowQuery(): string {
  return `sum by (${BY_VARIANT}) (${INSTANCES})`;
}

/**
 * Rows predicted in the window, per variant. A counter's exact increase is its value at the end minus its value at
 * the start (0 when the series was born inside the window); increase() would extrapolate to the window's edges and
 * give fractions. Series whose counter reset inside the window (a runtime restart) fall back to increase().
 */
export function predictionsQuery(rangeSeconds: number): string {
  const exact = `(${PREDICTED_ROWS} - (${PREDICTED_ROWS} offset ${rangeSeconds}s or ${PREDICTED_ROWS} * 0))`;
  const restarted = `(resets(${PREDICTED_ROWS}[${rangeSeconds}s]) > 0)`;
  return `sum by (endpoint, variant) ((${exact} unless ${restarted}) or increase(${PREDICTED_ROWS}[${rangeSeconds}s]))`;
}

/** For trends: instances per endpoint and instance type at each point of a range query. */
export function instancesTrendQuery(): string {
  return `sum by (endpoint, instance_type) (${INSTANCES})`;
}

/** For trends: predictions per hour per endpoint, averaged over each step. */
export function predictionsTrendQuery(stepSeconds: number): string {
  const window = Math.max(stepSeconds, 60);
  return `sum by (endpoint) (rate(${PREDICTED_ROWS}[${window}s])) * 3600`;
}
