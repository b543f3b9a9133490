import { LoopbackServer } from "@/tests/integration/support/loopback-server";

/*
 * A stand-in for one vLLM pod's /metrics: vLLM's OpenAI server exports its engine metrics through Python's
 * prometheus_client in the text format 0.0.4, which this writes the same way — `vllm:`-prefixed names, HELP and TYPE
 * per family (a counter's family named with its `_total`), labels sorted by name (`engine`, `le`, `model_name`),
 * values as Python floats ("3.0", "+Inf"), histograms as cumulative `_bucket` series ending at le="+Inf" followed by
 * `_count` and `_sum`, and no `_created` series (vLLM disables them).
 */

/** vLLM's bucket bounds (vllm/v1/metrics/loggers.py). */
export const VLLM_BUCKETS = {
  ttft: [
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0,
    640.0, 2560.0,
  ],
  interToken: [
    0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
  ],
  requestLatency: [
    0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0,
    1920.0, 7680.0,
  ],
} as const;

/** The names one vLLM release exports (the two renamed series differ between releases). */
export type VllmRelease = { kvCache: string; interToken: string };
export const VLLM_0_11: VllmRelease = {
  kvCache: "vllm:kv_cache_usage_perc",
  interToken: "vllm:inter_token_latency_seconds",
};
export const VLLM_0_9: VllmRelease = {
  kvCache: "vllm:gpu_cache_usage_perc",
  interToken: "vllm:time_per_output_token_seconds",
};

type Histogram = { buckets: readonly number[]; observations: number[] };

/** Python's repr of a float, as prometheus_client's floatToGoString writes sample values. */
function pythonFloat(value: number): string {
  if (value === Infinity) return "+Inf";
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

export class VllmExporter {
  readonly histograms: Record<"ttft" | "interToken" | "e2e" | "queue", Histogram>;
  readonly gauges = { running: 0, waiting: 0, kvCache: 0 };
  readonly counters = { prompt: 0, generation: 0 };
  private readonly server = new LoopbackServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
    response.end(this.render());
  });

  constructor(
    private readonly release: VllmRelease,
    private readonly modelName: string,
  ) {
    this.histograms = {
      ttft: { buckets: VLLM_BUCKETS.ttft, observations: [] },
      interToken: { buckets: VLLM_BUCKETS.interToken, observations: [] },
      e2e: { buckets: VLLM_BUCKETS.requestLatency, observations: [] },
      queue: { buckets: VLLM_BUCKETS.requestLatency, observations: [] },
    };
  }

  /** Listens on loopback; answers host:port. */
  start(): Promise<string> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** One finished request as vLLM records it: its timings, its queue wait, and its tokens. */
  request(timings: { ttft: number; interTokens: number[]; e2e: number; queue: number; prompt: number }) {
    this.histograms.ttft.observations.push(timings.ttft);
    this.histograms.interToken.observations.push(...timings.interTokens);
    this.histograms.e2e.observations.push(timings.e2e);
    this.histograms.queue.observations.push(timings.queue);
    this.counters.prompt += timings.prompt;
    this.counters.generation += timings.interTokens.length + 1;
  }

  render(): string {
    const labels = (extra: Record<string, string> = {}) =>
      Object.entries({ engine: "0", model_name: this.modelName, ...extra })
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => `${name}="${value}"`)
        .join(",");
    const family = (name: string, type: string, help: string, lines: string[]) =>
      [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines].join("\n");
    const gauge = (name: string, help: string, value: number) =>
      family(name, "gauge", help, [`${name}{${labels()}} ${pythonFloat(value)}`]);
    const counter = (name: string, help: string, value: number) =>
      family(name, "counter", help, [`${name}{${labels()}} ${pythonFloat(value)}`]);
    const histogram = (name: string, help: string, { buckets, observations }: Histogram) => {
      const bounds = [...buckets, Infinity];
      const lines = bounds.map(
        (bound) =>
          `${name}_bucket{${labels({ le: pythonFloat(bound) })}} ${pythonFloat(observations.filter((o) => o <= bound).length)}`,
      );
      const sum = observations.reduce((a, b) => a + b, 0);
      lines.push(`${name}_count{${labels()}} ${pythonFloat(observations.length)}`);
      lines.push(`${name}_sum{${labels()}} ${pythonFloat(sum)}`);
      return family(name, "histogram", help, lines);
    };
    const { release } = this;
    return (
      [
        gauge("vllm:num_requests_running", "Number of requests in model execution batches.", this.gauges.running),
        gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", this.gauges.waiting),
        gauge(release.kvCache, "KV-cache usage. 1 means 100 percent usage.", this.gauges.kvCache),
        counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.", this.counters.prompt),
        counter("vllm:generation_tokens_total", "Number of generation tokens processed.", this.counters.generation),
        histogram(
          "vllm:time_to_first_token_seconds",
          "Histogram of time to first token in seconds.",
          this.histograms.ttft,
        ),
        histogram(release.interToken, "Histogram of inter-token latency in seconds.", this.histograms.interToken),
        histogram(
          "vllm:e2e_request_latency_seconds",
          "Histogram of e2e request latency in seconds.",
          this.histograms.e2e,
        ),
        histogram(
          "vllm:request_queue_time_seconds",
          "Histogram of time spent in WAITING phase for request.",
          this.histograms.queue,
        ),
      ].join("\n") + "\n"
    );
  }
}

/**
 * Prometheus's histogram_quantile over bucket increases (cumulative counts by upper bound, +Inf last): linear
 * interpolation inside the bucket holding the rank, the first bucket starting at 0, and the highest finite bound
 * when the rank falls in +Inf. The reference the portal's numbers are checked against.
 */
export function bucketQuantile(q: number, buckets: readonly number[], observations: number[]): number {
  const bounds = [...buckets, Infinity];
  const cumulative = bounds.map((bound) => observations.filter((o) => o <= bound).length);
  const rank = q * observations.length;
  const i = cumulative.findIndex((count) => count >= rank);
  if (bounds[i] === Infinity) return bounds[bounds.length - 2]!;
  const lower = i === 0 ? 0 : bounds[i - 1]!;
  const before = i === 0 ? 0 : cumulative[i - 1]!;
  return lower + (bounds[i]! - lower) * ((rank - before) / (cumulative[i]! - before));
}
