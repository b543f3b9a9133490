import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { BoundHistogram } from "@/runtime/bound-histogram";
import { batchFromRows, feedsFromBatch } from "@/runtime/inference/tensors";
import { validateRows } from "@/runtime/serving/signature-validation";
import type { TensorSpec } from "@/contracts/signature";

const BUCKETS = [0.1, 0.5, 1];
const labelNames = ["endpoint", "variant"] as const;

function exercise(histogram: {
  labels: (...values: string[]) => { observe: (value: number) => void };
  observe: (labels: { endpoint: string; variant: string }, value: number) => void;
  zero: (labels: { endpoint: string; variant: string }) => void;
}) {
  const bound = histogram.labels("fraud", 'v"1');
  histogram.observe({ endpoint: "early", variant: "" }, 0.3);
  bound.observe(0.05);
  bound.observe(0.5);
  bound.observe(7);
  histogram.zero({ endpoint: "fresh", variant: "v2" });
  histogram.observe({ endpoint: "fresh", variant: "v2" }, 0.7);
  histogram.labels("never", "observed");
}

describe("BoundHistogram", () => {
  it("exports exactly what prom-client's Histogram exports for the same observations", async () => {
    const expectedRegistry = new Registry();
    exercise(new Histogram({ name: "h", help: "Help", labelNames, buckets: BUCKETS, registers: [expectedRegistry] }));
    const actualRegistry = new Registry();
    exercise(new BoundHistogram("h", "Help", labelNames, BUCKETS, actualRegistry));

    const actual = await actualRegistry.metrics();
    expect(actual).toBe(await expectedRegistry.metrics());
    expect(actual).toContain('h_bucket{le="0.5",endpoint="fraud",variant="v\\"1"} 2');
    expect(actual).not.toContain("never");
  });

  it("refuses a value that is not a finite number, like prom-client", () => {
    const histogram = new BoundHistogram("h", "Help", labelNames, BUCKETS, new Registry());
    expect(() => histogram.labels("a", "b").observe(Number.NaN)).toThrow("Value is not a valid number: NaN");
  });
});

describe("WireBatch", () => {
  it("carries every input type to the inference thread unchanged", () => {
    const inputs: TensorSpec[] = [
      { name: "amount", type: "float64", shape: [-1] },
      { name: "country", type: "string", shape: [-1, 1] },
      { name: "count", type: "int64" },
      { name: "online", type: "bool", shape: [-1, 1] },
      { name: "ratio", type: "float32", shape: [-1, 1] },
      { name: "channel", type: "string" },
    ];
    const rows = validateRows(
      [
        { amount: 0.1, country: "BR", count: 2 ** 53 - 1, online: true, ratio: 0.3, channel: "web" },
        { amount: -5, country: "PT", count: -7, online: false, ratio: 1e-8, channel: "app" },
      ],
      inputs,
    );
    const feeds = feedsFromBatch(structuredClone(batchFromRows(rows, inputs)));
    expect(feeds).toEqual({
      amount: { type: "float64", data: Float64Array.from([0.1, -5]), dims: [2] },
      country: { type: "string", data: ["BR", "PT"], dims: [2, 1] },
      count: { type: "int64", data: BigInt64Array.from([2n ** 53n - 1n, -7n]), dims: [2, 1] },
      online: { type: "bool", data: Uint8Array.from([1, 0]), dims: [2, 1] },
      ratio: { type: "float32", data: Float32Array.from([0.3, 1e-8]), dims: [2, 1] },
      channel: { type: "string", data: ["web", "app"], dims: [2, 1] },
    });
  });
});
