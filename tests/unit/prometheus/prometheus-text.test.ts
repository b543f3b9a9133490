import { describe, expect, it } from "vitest";
import { histogramQuantile, parsePrometheusText } from "@/server/integrations/prometheus/prometheus-text";

describe("parsePrometheusText", () => {
  it("reads samples with labels, escaped values and special floats, skipping comments", () => {
    const text = [
      "# HELP requests_total Requests",
      "# TYPE requests_total counter",
      'requests_total{endpoint="fraud",variant="v1",status="200"} 42',
      'requests_total{endpoint="a\\"b",variant="v2",status="500"} 3 1700000000000',
      'latency_bucket{le="+Inf"} 7',
      "up 1",
      "",
    ].join("\n");
    expect(parsePrometheusText(text)).toEqual([
      { name: "requests_total", labels: { endpoint: "fraud", variant: "v1", status: "200" }, value: 42 },
      { name: "requests_total", labels: { endpoint: 'a"b', variant: "v2", status: "500" }, value: 3 },
      { name: "latency_bucket", labels: { le: "+Inf" }, value: 7 },
      { name: "up", labels: {}, value: 1 },
    ]);
  });
});

describe("histogramQuantile", () => {
  it("interpolates inside the bucket the rank falls in, like PromQL", () => {
    const buckets = [
      { le: 0.01, count: 50 },
      { le: 0.1, count: 90 },
      { le: 1, count: 100 },
      { le: Infinity, count: 100 },
    ];
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.01);
    expect(histogramQuantile(0.7, buckets)).toBeCloseTo(0.01 + 0.09 * (20 / 40));
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.1 + 0.9 * (9 / 10));
  });

  it("answers the highest finite bound when the rank falls in +Inf, and null without observations", () => {
    expect(
      histogramQuantile(0.99, [
        { le: 0.5, count: 1 },
        { le: Infinity, count: 10 },
      ]),
    ).toBe(0.5);
    expect(
      histogramQuantile(0.99, [
        { le: 0.5, count: 0 },
        { le: Infinity, count: 0 },
      ]),
    ).toBeNull();
  });
});
