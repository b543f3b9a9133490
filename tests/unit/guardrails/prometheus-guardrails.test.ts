import { describe, expect, it } from "vitest";
import { PrometheusGuardrails, podSelector } from "@/server/integrations/kubernetes/prometheus-guardrails";
import { endpointObjectName, kubernetesName } from "@/server/integrations/kubernetes/object-names";
import type { InstantSample, PrometheusSource } from "@/server/integrations/prometheus/client";

/** Answers each query by the first matching rule, recording what was asked and when. */
function prometheusAnswering(rules: Array<[RegExp, number | null]>) {
  const asked: Array<{ promql: string; time?: Date }> = [];
  const source: PrometheusSource = {
    query: async (promql: string, time?: Date): Promise<InstantSample[]> => {
      asked.push({ promql, time });
      const value = rules.find(([pattern]) => pattern.test(promql))?.[1];
      return value === undefined || value === null ? [] : [{ metric: {}, value, timestamp: 0 }];
    },
    queryRange: async () => [],
  };
  return { source, asked };
}

describe("Kubernetes guardrail readings from Prometheus", () => {
  it("selects the variant's pods by the labels the scrape job copies from the pod, escaped", () => {
    expect(podSelector("ml", "fraud-prod", "fraud-xgb-v7")).toBe(
      `namespace="ml",modelport_endpoint="${endpointObjectName("fraud-prod")}",modelport_variant="${kubernetesName("fraud-xgb-v7")}"`,
    );
    expect(podSelector('a"b', "e", "v")).toContain('namespace="a\\"b"');
  });

  it("reads requests, 5xx share and p99 over the bake's whole window, at one instant", async () => {
    const now = new Date("2026-12-02T10:00:00Z");
    const { source, asked } = prometheusAnswering([
      [/^histogram_quantile/, 0.042],
      [/status=~"5\.\."/, 4.2],
      [/^sum\(increase/, 84.4],
    ]);
    const guardrails = new PrometheusGuardrails(source, "ml", () => now);
    const reading = await guardrails.read({
      endpointName: "fraud-prod",
      variantName: "fraud-xgb-v7",
      from: new Date("2026-12-02T09:58:59.500Z"),
    });
    expect(reading.requests).toBe(84);
    expect(reading.errorRate).toBeCloseTo(4.2 / 84.4, 10);
    expect(reading.p99Ms).toBeCloseTo(42, 10);
    expect(asked).toHaveLength(3);
    for (const { promql, time } of asked) {
      expect(promql).toContain("[61s]");
      expect(time).toEqual(now);
    }
    // Both serving images are read; a variant's pods run one of them.
    expect(asked[0]?.promql).toContain("modelport_runtime_requests_total");
    expect(asked[0]?.promql).toContain('http_requests_total{namespace="ml"');
  });

  it("answers no requests and no latency for a variant Prometheus has not seen", async () => {
    const { source } = prometheusAnswering([]);
    const reading = await new PrometheusGuardrails(source, "ml").read({
      endpointName: "e",
      variantName: "v",
      from: new Date(Date.now() - 5000),
    });
    expect(reading).toEqual({ requests: 0, errorRate: 0, p99Ms: null });
  });
});
