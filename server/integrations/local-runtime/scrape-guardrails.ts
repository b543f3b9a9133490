import {
  type GuardrailMark,
  type GuardrailReading,
  type GuardrailSource,
  type GuardrailWindow,
} from "@/server/integrations/targets/guardrail-source";
import {
  parseBucketBound,
  histogramQuantile,
  parsePrometheusText,
  type Sample,
} from "@/server/integrations/prometheus/prometheus-text";

function totalsFor(samples: Sample[], endpoint: string, variant: string): GuardrailMark {
  let requests = 0;
  let errors = 0;
  const buckets = new Map<string, number>();
  for (const s of samples) {
    if (s.labels.endpoint !== endpoint || s.labels.variant !== variant) continue;
    if (s.name === "modelport_runtime_requests_total") {
      requests += s.value;
      if (Number(s.labels.status) >= 500) errors += s.value;
    } else if (s.name === "modelport_runtime_request_duration_seconds_bucket") {
      const le = s.labels.le ?? "";
      buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    }
  }
  return { requests, errors, buckets: [...buckets].map(([le, count]) => ({ le, count })) };
}

/** Counters only grow while the runtime lives; lower ones mean it restarted, and then all it counted is new. */
function since(now: GuardrailMark, mark: GuardrailMark | null): GuardrailMark {
  if (!mark || now.requests < mark.requests) return now;
  const before = new Map(mark.buckets.map((b) => [b.le, b.count]));
  return {
    requests: now.requests - mark.requests,
    errors: now.errors - mark.errors,
    buckets: now.buckets.map((b) => ({ le: b.le, count: b.count - (before.get(b.le) ?? 0) })),
  };
}

/**
 * Guardrails read straight from the local runtime's /metrics: the request counters and latency histogram as they are
 * now, differenced against the mark taken when the bake began (kept with the bake's step, so a resumed bake still
 * reads over its whole window).
 */
export class ScrapeGuardrails implements GuardrailSource {
  constructor(
    private readonly metricsUrl: string,
    /** The runtime's RUNTIME_METRICS_TOKEN, when its /metrics requires one. */
    private readonly metricsToken?: string,
  ) {}

  async mark(endpointName: string, variantName: string): Promise<GuardrailMark> {
    return totalsFor(await this.scrape(), endpointName, variantName);
  }

  async read(window: GuardrailWindow, mark: GuardrailMark | null): Promise<GuardrailReading> {
    const now = totalsFor(await this.scrape(), window.endpointName, window.variantName);
    const delta = since(now, mark);
    const p99 = histogramQuantile(
      0.99,
      delta.buckets.map((b) => ({ le: parseBucketBound(b.le), count: b.count })),
    );
    return {
      requests: delta.requests,
      errorRate: delta.requests > 0 ? delta.errors / delta.requests : 0,
      p99Ms: p99 === null ? null : p99 * 1000,
    };
  }

  private async scrape(): Promise<Sample[]> {
    const response = await fetch(this.metricsUrl, {
      headers: this.metricsToken ? { authorization: `Bearer ${this.metricsToken}` } : {},
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`Runtime metrics answered ${response.status}`);
    return parsePrometheusText(await response.text());
  }
}
