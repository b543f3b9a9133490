import { z } from "zod";

/**
 * The fields of a model's Hugging Face config.json that size its KV cache, read at registration and stored on the
 * version. `num_key_value_heads` defaults to the attention heads (no grouped-query attention) and `head_dim` to
 * hidden_size / num_attention_heads, as transformers reads them.
 */
export const modelShapeSchema = z.object({
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  num_key_value_heads: z.number().int().positive().optional(),
  hidden_size: z.number().int().positive(),
  head_dim: z.number().int().positive().optional(),
  max_position_embeddings: z.number().int().positive().optional(),
  torch_dtype: z.string().optional(),
});

export type ModelShape = z.infer<typeof modelShapeSchema>;

/** What the portal reads from a vLLM server's /metrics, by what it means rather than by its name. */
export type VllmSeries =
  | "timeToFirstToken"
  | "interTokenLatency"
  | "e2eRequestLatency"
  | "requestQueueTime"
  | "requestsWaiting"
  | "requestsRunning"
  | "kvCacheUsage"
  | "promptTokens"
  | "generationTokens";

/** One name a series has had: from which vLLM release (inclusive) until which (exclusive; absent: still current). */
export type VllmMetricName = { name: string; since?: string; until?: string };

/**
 * vLLM's Prometheus names, current name first. vLLM renamed two series when its V1 engine replaced V0: the KV-cache
 * gauge (`vllm:gpu_cache_usage_perc` → `vllm:kv_cache_usage_perc`, 0.10) and the time between output tokens
 * (`vllm:time_per_output_token_seconds` → `vllm:inter_token_latency_seconds`, 0.11); the old names were deprecated
 * for one release, then hidden and removed. Histograms are named without their `_bucket`/`_sum`/`_count` suffix and
 * counters with their `_total`.
 */
export const VLLM_METRICS: Record<VllmSeries, readonly VllmMetricName[]> = {
  timeToFirstToken: [{ name: "vllm:time_to_first_token_seconds" }],
  interTokenLatency: [
    { name: "vllm:inter_token_latency_seconds", since: "0.11.0" },
    { name: "vllm:time_per_output_token_seconds", until: "0.12.0" },
  ],
  e2eRequestLatency: [{ name: "vllm:e2e_request_latency_seconds" }],
  requestQueueTime: [{ name: "vllm:request_queue_time_seconds" }],
  requestsWaiting: [{ name: "vllm:num_requests_waiting" }],
  requestsRunning: [{ name: "vllm:num_requests_running" }],
  kvCacheUsage: [
    { name: "vllm:kv_cache_usage_perc", since: "0.10.0" },
    { name: "vllm:gpu_cache_usage_perc", until: "0.11.0" },
  ],
  promptTokens: [{ name: "vllm:prompt_tokens_total" }],
  generationTokens: [{ name: "vllm:generation_tokens_total" }],
};

function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.+-]/).map((p) => Number.parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const difference = (x[i] ?? 0) - (y[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The names a series may carry: those of one vLLM release when it is known, else every name it ever had (current
 * first), so a query can read pods of any release.
 */
export function vllmMetricNames(series: VllmSeries, version?: string): string[] {
  const names = VLLM_METRICS[series];
  if (version === undefined) return names.map((n) => n.name);
  return names
    .filter(
      (n) =>
        (!n.since || compareVersions(version, n.since) >= 0) && (!n.until || compareVersions(version, n.until) < 0),
    )
    .map((n) => n.name);
}
