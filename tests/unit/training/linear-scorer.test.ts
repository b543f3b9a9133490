import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { buildLinearScorer, type LinearScorerSpec } from "@/training/linear-scorer";

const spec: LinearScorerSpec = {
  inputs: [
    { name: "amount", type: "float32" },
    { name: "merchant_category", type: "string", categories: ["grocery", "travel"] },
  ],
  outputName: "score",
  link: "sigmoid",
  rank: 1,
  seed: 42,
  docString: "unit test",
};

describe("buildLinearScorer", () => {
  it("gives the same bytes for the same seed and other bytes for another", () => {
    expect(buildLinearScorer(spec)).toEqual(buildLinearScorer(spec));
    expect(buildLinearScorer(spec)).not.toEqual(buildLinearScorer({ ...spec, seed: 43 }));
  });

  it("runs in onnxruntime: one score in (0, 1) per row, unseen categories included", async () => {
    const session = await ort.InferenceSession.create(buildLinearScorer(spec));
    const result = await session.run({
      amount: new ort.Tensor("float32", Float32Array.from([1, 2, 3]), [3]),
      merchant_category: new ort.Tensor("string", ["grocery", "travel", "unknown"], [3]),
    });
    await session.release();
    const scores = [...(result.score!.data as Float32Array)];
    expect(result.score!.dims).toEqual([3]);
    expect(scores.every((s) => s > 0 && s < 1)).toBe(true);
  });

  it("refuses names that collide", () => {
    expect(() => buildLinearScorer({ ...spec, outputName: "amount" })).toThrow(/must differ/);
    expect(() => buildLinearScorer({ ...spec, inputs: [{ name: "__x", type: "float32" }] })).toThrow(/reserved/);
  });
});
