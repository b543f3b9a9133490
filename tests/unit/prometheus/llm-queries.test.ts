import { describe, expect, it } from "vitest";
import { llmQueries } from "@/server/services/endpoints/llm-queries";

describe("PromQL over vLLM's series", () => {
  const queries = llmQueries("support-chat", 3600);

  it("reads a renamed gauge under its old name only for variants with nothing under the new one", () => {
    const kv = `avg by (modelport_variant) (vllm:kv_cache_usage_perc{modelport_endpoint="support-chat"})`;
    const gpu = `avg by (modelport_variant) (vllm:gpu_cache_usage_perc{modelport_endpoint="support-chat"})`;
    expect(queries.now.kvCacheUsage).toBe(`${kv} or (${gpu} unless on (modelport_variant) ${kv})`);
    expect(queries.now.waiting).toBe(
      `sum by (modelport_variant) (vllm:num_requests_waiting{modelport_endpoint="support-chat"})`,
    );
  });

  it("takes quantiles from the buckets' exact increase per variant, under either inter-token name", () => {
    expect(queries.window.interTokenP95).toMatch(/^histogram_quantile\(0\.95, sum by \(le, modelport_variant\) /);
    expect(queries.window.interTokenP95).toContain(
      'vllm:inter_token_latency_seconds_bucket{modelport_endpoint="support-chat"}',
    );
    expect(queries.window.interTokenP95).toContain(
      "unless on (modelport_variant) sum by (le, modelport_variant) (((vllm:inter_token_latency_seconds_bucket",
    );
    expect(queries.window.interTokenP95).toContain("vllm:time_per_output_token_seconds_bucket");
    expect(queries.window.ttftP95).toContain("offset 3600s");
    expect(queries.window.ttftP95).not.toContain("rate(");
  });

  it("escapes the endpoint name it selects by", () => {
    expect(llmQueries('a"b', 60).now.running).toContain('modelport_endpoint="a\\"b"');
  });
});
