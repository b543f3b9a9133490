/**
 * The PromQL behind every cost number, returned with the numbers so anyone can rerun them in Prometheus.
 *
 * Instances come from two gauge families: the local runtime's `modelport_runtime_variant_instances` (set while a
 * variant is loaded) and `modelport_target_variant_instances`, the SageMaker and Kubernetes instance counts one worker
 * process (the lease holder) reads from the targets themselves. They never share a label set (the target family has a
 * `target` label), so `or` simply unions them. Runtime pods on Kubernetes export the runtime's families too; their
 * series carry the `modelport_endpoint` label the pod scrape copies from the pod's labels (docs/operations.md), so the
 * local runtime's own series are the ones without it, and pods' instances are never counted twice.
 */
export const RUNTIME_INSTANCES = "modelport_runtime_variant_instances";
export const TARGET_INSTANCES = "modelport_target_variant_instances";
export const PREDICTED_ROWS = "modelport_runtime_predicted_rows_total";

/** The label the Kubernetes pod scrape sets from `modelport.dev/endpoint` (the endpoint's object name). */
export const POD_ENDPOINT_LABEL = "modelport_endpoint";
export const POD_VARIANT_LABEL = "modelport_variant";

const LOCAL_ONLY = `{${POD_ENDPOINT_LABEL}=""}`;
const PODS_ONLY = `{${POD_ENDPOINT_LABEL}!=""}`;

const INSTANCES = `(${RUNTIME_INSTANCES}${LOCAL_ONLY} or ${TARGET_INSTANCES})`;
const BY_VARIANT = "endpoint, variant, instance_type, target";

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
 * How much the counters `series` (a metric and its selector) grew in the window, summed `by`. A counter's exact
 * increase is its value at the end minus its value at the start (its whole value when the series was born inside the
 * window); increase() would extrapolate to the window's edges and give fractions. Series whose counter reset inside
 * the window (a restart) fall back to increase().
 */
export function counterIncreaseQuery(series: string, rangeSeconds: number, by: string): string {
  const exact = `(${series} - (${series} offset ${rangeSeconds}s or ${series} * 0))`;
  const restarted = `(resets(${series}[${rangeSeconds}s]) > 0)`;
  return `sum by (${by}) ((${exact} unless ${restarted}) or increase(${series}[${rangeSeconds}s]))`;
}

/** Rows predicted in the window by the series `selector` picks, summed `by`. */
function predictedRowsQuery(rangeSeconds: number, selector: string, by: string): string {
  return counterIncreaseQuery(`${PREDICTED_ROWS}${selector}`, rangeSeconds, by);
}

/** Rows the local runtime predicted in the window, per endpoint and variant. */
export function predictionsQuery(rangeSeconds: number): string {
  return predictedRowsQuery(rangeSeconds, LOCAL_ONLY, "endpoint, variant");
}

/** Rows Kubernetes runtime pods predicted in the window, per endpoint object name and variant label. */
export function podPredictionsQuery(rangeSeconds: number): string {
  return predictedRowsQuery(rangeSeconds, PODS_ONLY, `${POD_ENDPOINT_LABEL}, ${POD_VARIANT_LABEL}`);
}

/**
 * The Kubernetes endpoints whose pods Prometheus scraped during the window (`up` carries the pod scrape's labels): for
 * those, no prediction series means no predictions; for the others the count is not measured.
 */
export function scrapedPodsQuery(rangeSeconds: number): string {
  return `count by (${POD_ENDPOINT_LABEL}) (count_over_time(up${PODS_ONLY}[${rangeSeconds}s]))`;
}

/** For trends: instances per endpoint and instance type at each point of a range query. */
export function instancesTrendQuery(): string {
  return `sum by (endpoint, instance_type, target) (${INSTANCES})`;
}

/** For trends: predictions per hour per local endpoint, averaged over each step. */
export function predictionsTrendQuery(stepSeconds: number): string {
  const window = Math.max(stepSeconds, 60);
  return `sum by (endpoint) (rate(${PREDICTED_ROWS}${LOCAL_ONLY}[${window}s])) * 3600`;
}

/** For trends: predictions per hour per Kubernetes endpoint (object name), from its runtime pods. */
export function podPredictionsTrendQuery(stepSeconds: number): string {
  const window = Math.max(stepSeconds, 60);
  return `sum by (${POD_ENDPOINT_LABEL}) (rate(${PREDICTED_ROWS}${PODS_ONLY}[${window}s])) * 3600`;
}
