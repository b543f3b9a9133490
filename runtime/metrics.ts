import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { BoundHistogram } from "@/runtime/bound-histogram";
import { FeatureHistogramFamily } from "@/runtime/feature-histograms";
import { CaptureCounts } from "@/runtime/capture/capture-counts";

/** Score buckets cover probabilities (0–1) and regression outputs such as minutes. */
const SCORE_BUCKETS = [
  0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 240,
];
const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

export type RuntimeMetrics = Instruments & {
  forVariant: ReturnType<typeof memoisedChildren>;
  /** A shadow variant's series, in the modelport_runtime_shadow_* families (never in the live ones). */
  forShadow: ReturnType<typeof memoisedChildren>;
  features: FeatureHistogramFamily;
  inFlightByEndpoint: InFlightCounts;
  captureCounts: CaptureCounts;
  captureBufferSize: { read: () => number };
  featureBreakerReader: { read: () => number };
};
type Instruments = ReturnType<typeof createInstruments>;

/**
 * Per-request counts kept as plain numbers and handed to prom-client when the registry collects: every prom-client
 * `inc` hashes its label set, which was a measurable share of the HTTP thread at thousands of requests per second.
 */
class DeferredCount {
  private pending = 0;

  constructor(private readonly flushTo: (count: number) => void) {}

  inc(by = 1) {
    this.pending += by;
  }

  flush() {
    if (this.pending === 0) return;
    this.flushTo(this.pending);
    this.pending = 0;
  }
}

/** Requests being served per endpoint; the in-flight gauge reads it when collected. */
export class InFlightCounts {
  readonly counts = new Map<string, number>();

  enter(endpoint: string) {
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
  }

  leave(endpoint: string) {
    this.counts.set(endpoint, this.counts.get(endpoint)! - 1);
  }
}

type DeferredCounts = { requests: DeferredCount[]; rows: DeferredCount[] };

type Deferred = DeferredCounts & {
  shadow: DeferredCounts;
  inFlight: InFlightCounts;
  capture: CaptureCounts;
  /** Rows waiting in the capture buffer now (set once the capture pipeline exists). */
  captureBuffered: { read: () => number };
  /** 1 while the hot feature store's breaker is not closed (set once the feature stores exist). */
  featureBreakerOpen: { read: () => number };
};

/** The runtime's Prometheus metrics, on a registry of its own. */
export function createRuntimeMetrics(): RuntimeMetrics {
  const deferred: Deferred = {
    requests: [],
    rows: [],
    shadow: { requests: [], rows: [] },
    inFlight: new InFlightCounts(),
    capture: new CaptureCounts(),
    captureBuffered: { read: () => 0 },
    featureBreakerOpen: { read: () => 0 },
  };
  const instruments = createInstruments(deferred);
  return {
    ...instruments,
    forVariant: memoisedChildren(instruments, deferred),
    forShadow: memoisedChildren(
      {
        requests: instruments.shadowRequests,
        rows: instruments.shadowRows,
        latency: instruments.shadowLatency,
        scores: instruments.shadowScores,
      },
      deferred.shadow,
    ),
    features: new FeatureHistogramFamily(),
    inFlightByEndpoint: deferred.inFlight,
    captureCounts: deferred.capture,
    captureBufferSize: deferred.captureBuffered,
    featureBreakerReader: deferred.featureBreakerOpen,
  };
}

/** The /metrics body: prom-client's registry, then the per-feature histograms it cannot express. */
export async function runtimeMetricsText(metrics: RuntimeMetrics): Promise<string> {
  return (await metrics.registry.metrics()) + metrics.features.exposition();
}

function createInstruments(deferred: Deferred) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "modelport_runtime_" });
  // These three gauges end in `_total`, which Prometheus reserves for counters (promtool rejects them).
  for (const name of ["active_handles_total", "active_requests_total", "active_resources_total"]) {
    registry.removeSingleMetric(`modelport_runtime_nodejs_${name}`);
  }
  const labels = ["endpoint", "variant"] as const;
  return {
    registry,
    requests: new Counter({
      name: "modelport_runtime_requests_total",
      help: "Prediction requests by endpoint, variant and HTTP status",
      labelNames: [...labels, "status"],
      registers: [registry],
      collect: () => deferred.requests.forEach((count) => count.flush()),
    }),
    latency: new BoundHistogram(
      "modelport_runtime_request_duration_seconds",
      "Prediction request latency from the request's arrival to its answer",
      labels,
      LATENCY_BUCKETS,
      registry,
    ),
    scores: new BoundHistogram(
      "modelport_runtime_prediction_score",
      "Each predicted row's score (the first output of the signature)",
      labels,
      SCORE_BUCKETS,
      registry,
    ),
    rows: new Counter({
      name: "modelport_runtime_predicted_rows_total",
      help: "Rows predicted, by endpoint and variant",
      labelNames: labels,
      registers: [registry],
      collect: () => deferred.rows.forEach((count) => count.flush()),
    }),
    batchSize: new BoundHistogram(
      "modelport_runtime_batch_size",
      "Rows per inference batch after dynamic batching",
      labels,
      BATCH_BUCKETS,
      registry,
    ),
    inFlight: new Gauge({
      name: "modelport_runtime_in_flight_requests",
      help: "Prediction requests being served now",
      labelNames: ["endpoint"],
      registers: [registry],
      collect() {
        for (const [endpoint, count] of deferred.inFlight.counts) this.set({ endpoint }, count);
      },
    }),
    capture: new Counter({
      name: "modelport_runtime_capture_total",
      help: "Predicted rows by what became of their capture: captured (in the stream), dropped_buffer_full, dropped_redis_down, capture_off (no capture Redis configured), not_sampled (the endpoint's capture rate)",
      labelNames: ["endpoint", "outcome"],
      registers: [registry],
      collect() {
        deferred.capture.drain((endpoint, outcome, count) => this.inc({ endpoint, outcome }, count));
      },
    }),
    captureBufferedRows: new Gauge({
      name: "modelport_runtime_capture_buffered_rows",
      help: "Captured rows waiting in the runtime's memory for the capture stream",
      registers: [registry],
      collect() {
        this.set(deferred.captureBuffered.read());
      },
    }),
    // A shadow's mirrored requests (nobody was answered by them) live in families of their own, so every endpoint-wide
    // sum of the live families (latency, error rate, throughput, predictions, capture outcomes) stays live traffic.
    shadowRequests: new Counter({
      name: "modelport_runtime_shadow_requests_total",
      help: "Requests mirrored to a shadow variant, by endpoint, shadow variant and outcome (as an HTTP status)",
      labelNames: [...labels, "status"],
      registers: [registry],
      collect: () => deferred.shadow.requests.forEach((count) => count.flush()),
    }),
    shadowLatency: new BoundHistogram(
      "modelport_runtime_shadow_request_duration_seconds",
      "A mirrored request's latency in its shadow variant, from the mirror's start to the shadow's predictions",
      labels,
      LATENCY_BUCKETS,
      registry,
    ),
    shadowScores: new BoundHistogram(
      "modelport_runtime_shadow_prediction_score",
      "Each row a shadow variant predicted: its score (the first output of the signature)",
      labels,
      SCORE_BUCKETS,
      registry,
    ),
    shadowRows: new Counter({
      name: "modelport_runtime_shadow_rows_total",
      help: "Rows predicted by a shadow variant, by endpoint and shadow variant",
      labelNames: labels,
      registers: [registry],
      collect: () => deferred.shadow.rows.forEach((count) => count.flush()),
    }),
    shadowCapture: new Counter({
      name: "modelport_runtime_shadow_capture_total",
      help: "Rows predicted by a shadow variant by what became of their capture (the outcomes of modelport_runtime_capture_total)",
      labelNames: [...labels, "outcome"],
      registers: [registry],
      collect() {
        deferred.capture.drainShadow((endpoint, variant, outcome, count) =>
          this.inc({ endpoint, variant, outcome }, count),
        );
      },
    }),
    shadowDropped: new Counter({
      name: "modelport_runtime_shadow_dropped_total",
      help: "Requests not mirrored to a shadow variant because it already had as many mirrored requests in flight as it may",
      labelNames: labels,
      registers: [registry],
    }),
    explainRequests: new Counter({
      name: "modelport_runtime_explain_requests_total",
      help: "Explanation requests by endpoint, variant and HTTP status (never counted as predictions)",
      labelNames: [...labels, "status"],
      registers: [registry],
    }),
    explainedRows: new Counter({
      name: "modelport_runtime_explained_rows_total",
      help: "Rows explained (feature attributions computed) by endpoint and variant",
      labelNames: labels,
      registers: [registry],
    }),
    asleep: new Gauge({
      name: "modelport_runtime_endpoint_asleep",
      help: "1 while a scale-to-zero endpoint's models are unloaded (it costs nothing), 0 while they serve",
      labelNames: ["endpoint"],
      registers: [registry],
    }),
    wakeSeconds: new Histogram({
      name: "modelport_runtime_endpoint_wake_seconds",
      help: "How long a scale-to-zero endpoint took to load its models again for a request",
      labelNames: ["endpoint"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    evictions: new Counter({
      name: "modelport_runtime_endpoint_evictions_total",
      help: "Times a scale-to-zero endpoint was scaled to zero early to keep the loaded models within the memory budget",
      labelNames: ["endpoint"],
      registers: [registry],
    }),
    loadedModelBytes: new Gauge({
      name: "modelport_runtime_loaded_model_bytes",
      help: "Bytes of the model files loaded now (what RUNTIME_MODEL_MEMORY_BUDGET_BYTES bounds)",
      registers: [registry],
    }),
    loadedModels: new Gauge({
      name: "modelport_runtime_loaded_models",
      help: "Model variants loaded and ready to serve",
      registers: [registry],
    }),
    instances: new Gauge({
      name: "modelport_runtime_variant_instances",
      help: "Instances a loaded variant is billed for (its configured instanceCount), by instance type; cost = instance-seconds × price",
      labelNames: [...labels, "instance_type"],
      registers: [registry],
    }),
    featureRows: new Counter({
      name: "modelport_runtime_feature_rows_total",
      help: "Rows of endpoints with a feature lookup by where their stored features were read: hot (Redis), cold (PostgreSQL), unavailable (neither)",
      labelNames: ["endpoint", "path"],
      registers: [registry],
    }),
    featureBreakerOpen: new Gauge({
      name: "modelport_runtime_feature_breaker_open",
      help: "1 while the circuit breaker around the hot feature store (Redis) is open or half open: lookups read PostgreSQL",
      registers: [registry],
      collect() {
        this.set(deferred.featureBreakerOpen.read());
      },
    }),
    fallbackRows: new Counter({
      name: "modelport_runtime_fallback_rows_total",
      help: "Rows answered by an endpoint's rule-based fallback instead of its model, by reason (model_failed, features_unavailable)",
      labelNames: ["endpoint", "reason"],
      registers: [registry],
    }),
    stageDuration: new Histogram({
      name: "modelport_runtime_stage_duration_seconds",
      help: "Time a prediction request spent in each stage: request_features, feature_lookup, inference, fallback",
      labelNames: ["endpoint", "stage"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
  };
}

/** Replaces the instance gauges with the variants loaded now, so an unloaded variant stops counting at once. */
export function recordInstances(
  metrics: RuntimeMetrics,
  loaded: Array<{ endpoint: string; variant: string; instanceType: string; instanceCount: number }>,
) {
  metrics.instances.reset();
  for (const v of loaded)
    metrics.instances.set({ endpoint: v.endpoint, variant: v.variant, instance_type: v.instanceType }, v.instanceCount);
}

type VariantFamilies = Pick<Instruments, "requests" | "rows" | "latency" | "scores">;

/**
 * Exports a variant's request, row and latency series at zero as soon as it loads: Prometheus cannot count the
 * requests made before a series' first scrape, so a series born with its first request would lose them.
 */
function startAtZero(m: VariantFamilies, endpoint: string, variant: string) {
  m.requests.inc({ endpoint, variant, status: "200" }, 0);
  m.rows.inc({ endpoint, variant }, 0);
  m.latency.zero({ endpoint, variant });
}

/**
 * The hot path's label-bound children, created once per endpoint × variant: prom-client hashes the label object
 * on every `inc`/`observe` otherwise, which is measurable at thousands of requests per second.
 */
function memoisedChildren(m: VariantFamilies, deferred: DeferredCounts) {
  const cache = new Map<string, ReturnType<typeof children>>();
  const children = (endpoint: string, variant: string) => {
    const ok = new DeferredCount((count) => m.requests.inc({ endpoint, variant, status: "200" }, count));
    const rows = new DeferredCount((count) => m.rows.inc({ endpoint, variant }, count));
    deferred.requests.push(ok);
    deferred.rows.push(rows);
    return { ok, rows, latency: m.latency.labels(endpoint, variant), scores: m.scores.labels(endpoint, variant) };
  };
  return (endpoint: string, variant: string) => {
    const key = `${endpoint}\u0000${variant}`;
    let found = cache.get(key);
    if (!found) {
      cache.set(key, (found = children(endpoint, variant)));
      startAtZero(m, endpoint, variant);
    }
    return found;
  };
}
