import { vllmMetricNames, type VllmSeries } from "@/contracts/vllm";
import { selector } from "@/server/integrations/prometheus/promql";
import { counterIncreaseQuery, POD_ENDPOINT_LABEL, POD_VARIANT_LABEL } from "@/server/services/cost/cost-queries";

/**
 * PromQL over vLLM's own series (contracts/vllm.ts), per variant of one Kubernetes endpoint: its pods' series carry
 * the `modelport_endpoint` / `modelport_variant` labels the pod scrape copies from the pod's labels. A series that was
 * renamed is read under each of its names, per variant the newest name that has data (eachName): variants on
 * different vLLM releases are each read under their own release's name.
 */
const BY = POD_VARIANT_LABEL;

/**
 * The series read under each of its names, a variant taking an older name only when it has nothing under a newer one
 * (`unless on`), so a pod exporting both during a deprecation never mixes two histograms' buckets.
 */
const eachName = (series: VllmSeries, render: (name: string) => string) =>
  vllmMetricNames(series)
    .map(render)
    .reduce((newer, older) => `${newer} or (${older} unless on (${BY}) ${newer})`);

/**
 * Quantiles and means come from the histograms' exact increase over the window (counterIncreaseQuery), not from
 * rate(): rate() extrapolates each pod's series by its own scrape timing, which weights a variant's pods unevenly
 * when their buckets are summed.
 */
export function llmQueries(endpointObjectName: string, rangeSeconds: number) {
  const pods = (name: string) => selector(name, { [POD_ENDPOINT_LABEL]: endpointObjectName });
  const increase = (name: string, by = BY) => counterIncreaseQuery(pods(name), rangeSeconds, by);
  const p95 = (series: VllmSeries) =>
    `histogram_quantile(0.95, ${eachName(series, (name) => increase(`${name}_bucket`, `le, ${BY}`))})`;
  const mean = (series: VllmSeries) =>
    eachName(series, (name) => `(${increase(`${name}_sum`)} / ${increase(`${name}_count`)})`);
  return {
    /** Over the window. */
    window: {
      ttftP95: p95("timeToFirstToken"),
      interTokenP95: p95("interTokenLatency"),
      e2eP95: p95("e2eRequestLatency"),
      queueP95: p95("requestQueueTime"),
      queueMean: mean("requestQueueTime"),
      requests: eachName("e2eRequestLatency", (name) => increase(`${name}_count`)),
      promptTokens: eachName("promptTokens", (name) => increase(name)),
      generationTokens: eachName("generationTokens", (name) => increase(name)),
    },
    /** At the window's end: the gauges, summed over a variant's pods (the KV cache: their average use, 0–1). */
    now: {
      waiting: eachName("requestsWaiting", (name) => `sum by (${BY}) (${pods(name)})`),
      running: eachName("requestsRunning", (name) => `sum by (${BY}) (${pods(name)})`),
      kvCacheUsage: eachName("kvCacheUsage", (name) => `avg by (${BY}) (${pods(name)})`),
    },
  };
}

export type LlmQueries = ReturnType<typeof llmQueries>;
