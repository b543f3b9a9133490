import { type GuardrailReading, type GuardrailSource } from "@/server/integrations/targets/guardrail-source";
import {
  parseBucketBound,
  histogramQuantile,
  parsePrometheusText,
  type Sample,
} from "@/server/integrations/prometheus/prometheus-text";

type Totals = { requests: number; errors: number; buckets: Map<number, number> };

function totalsFor(samples: Sample[], endpoint: string, variant: string): Totals {
  const totals: Totals = { requests: 0, errors: 0, buckets: new Map() };
  for (const s of samples) {
    if (s.labels.endpoint !== endpoint || s.labels.variant !== variant) continue;
    if (s.name === "modelport_runtime_requests_total") {
      totals.requests += s.value;
      if (Number(s.labels.status) >= 500) totals.errors += s.value;
    } else if (s.name === "modelport_runtime_request_duration_seconds_bucket") {
      const le = parseBucketBound(s.labels.le ?? "");
      totals.buckets.set(le, (totals.buckets.get(le) ?? 0) + s.value);
    }
  }
  return totals;
}

/**
 * Guardrails read straight from the local runtime's /metrics: the counters and latency histogram are differenced
 * against the first scrape of the bake (the window), so only the candidate's traffic since then counts. A
 * Prometheus-backed source replaces this where Prometheus scrapes the runtime.
 */
export class ScrapeGuardrails implements GuardrailSource {
  private readonly baselines = new Map<string, Totals>();

  constructor(private readonly metricsUrl: string) {}

  async read(endpointName: string, variantName: string): Promise<GuardrailReading> {
    const response = await fetch(this.metricsUrl, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`Runtime metrics answered ${response.status}`);
    const now = totalsFor(parsePrometheusText(await response.text()), endpointName, variantName);
    const key = `${endpointName}/${variantName}`;
    const base = this.baselines.get(key);
    if (!base) {
      this.baselines.set(key, now);
      return { requests: 0, errorRate: 0, p99Ms: null };
    }
    const requests = now.requests - base.requests;
    const buckets = [...now.buckets].map(([le, count]) => ({ le, count: count - (base.buckets.get(le) ?? 0) }));
    const p99 = histogramQuantile(0.99, buckets);
    return {
      requests,
      errorRate: requests > 0 ? (now.errors - base.errors) / requests : 0,
      p99Ms: p99 === null ? null : p99 * 1000,
    };
  }
}
