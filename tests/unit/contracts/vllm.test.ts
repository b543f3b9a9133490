import { describe, expect, it } from "vitest";
import { VLLM_METRICS, vllmMetricNames } from "@/contracts/vllm";

describe("vLLM's metric names by release", () => {
  it("reads renamed series under every name they had, the current one first", () => {
    expect(vllmMetricNames("kvCacheUsage")).toEqual(["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"]);
    expect(vllmMetricNames("interTokenLatency")).toEqual([
      "vllm:inter_token_latency_seconds",
      "vllm:time_per_output_token_seconds",
    ]);
    expect(vllmMetricNames("timeToFirstToken")).toEqual(["vllm:time_to_first_token_seconds"]);
  });

  it("gives one release's names when the release is known", () => {
    expect(vllmMetricNames("kvCacheUsage", "0.9.2")).toEqual(["vllm:gpu_cache_usage_perc"]);
    // 0.10 exported both (the old one deprecated); 0.11 only the new one.
    expect(vllmMetricNames("kvCacheUsage", "0.10.1")).toEqual([
      "vllm:kv_cache_usage_perc",
      "vllm:gpu_cache_usage_perc",
    ]);
    expect(vllmMetricNames("kvCacheUsage", "0.11.0")).toEqual(["vllm:kv_cache_usage_perc"]);
    expect(vllmMetricNames("interTokenLatency", "0.10.2")).toEqual(["vllm:time_per_output_token_seconds"]);
    expect(vllmMetricNames("interTokenLatency", "0.12.0")).toEqual(["vllm:inter_token_latency_seconds"]);
  });

  it("names only vllm: series, histograms without their suffixes and counters with _total", () => {
    for (const names of Object.values(VLLM_METRICS))
      for (const { name } of names) {
        expect(name).toMatch(/^vllm:[a-z0-9_]+$/);
        expect(name).not.toMatch(/_(bucket|sum|count)$/);
      }
    expect(vllmMetricNames("promptTokens")).toEqual(["vllm:prompt_tokens_total"]);
    expect(vllmMetricNames("generationTokens")).toEqual(["vllm:generation_tokens_total"]);
  });
});
