import { describe, expect, it } from "vitest";
import { inspectOnnxModel, OnnxLoadError } from "@/server/integrations/onnx/inspect-model";
import { buildLinearScorer } from "@/training/linear-scorer";

const scorer = (rank: 1 | 2, seed = 1) =>
  buildLinearScorer({
    inputs: [
      { name: "amount", type: "float32" },
      { name: "is_new", type: "int64" },
      { name: "channel", type: "string", categories: ["web", "app"] },
    ],
    outputName: "score",
    link: "sigmoid",
    rank,
    seed,
    docString: "unit test",
  });

describe("inspectOnnxModel", () => {
  it("loads the model in onnxruntime and reports its inputs and outputs with element types and shapes", async () => {
    await expect(inspectOnnxModel(scorer(1))).resolves.toEqual({
      inputs: [
        { name: "amount", isTensor: true, type: "float32", shape: ["batch"] },
        { name: "is_new", isTensor: true, type: "int64", shape: ["batch"] },
        { name: "channel", isTensor: true, type: "string", shape: ["batch"] },
      ],
      outputs: [{ name: "score", isTensor: true, type: "float32", shape: ["batch"] }],
    });
    const graph = await inspectOnnxModel(scorer(2));
    expect(graph.outputs).toEqual([{ name: "score", isTensor: true, type: "float32", shape: ["batch", 1] }]);
  });

  it("refuses bytes onnxruntime cannot load with OnnxLoadError carrying onnxruntime's reason", async () => {
    const json = new TextEncoder().encode(JSON.stringify({ model: "fraud", demo: true }));
    const refused = inspectOnnxModel(json);
    await expect(refused).rejects.toBeInstanceOf(OnnxLoadError);
    await expect(refused).rejects.toThrow(/protobuf parsing failed/);
    await expect(inspectOnnxModel(new Uint8Array(0))).rejects.toBeInstanceOf(OnnxLoadError);
  });

  it("answers concurrent inspections each with its own model, also from views into larger buffers", async () => {
    const models = [scorer(1, 1), scorer(2, 2), new TextEncoder().encode("not a model"), scorer(1, 3)];
    const padded = new Uint8Array(models[3]!.length + 8);
    padded.set(models[3]!, 4);
    const results = await Promise.allSettled([
      inspectOnnxModel(models[0]!),
      inspectOnnxModel(models[1]!),
      inspectOnnxModel(models[2]!),
      inspectOnnxModel(padded.subarray(4, 4 + models[3]!.length)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(padded.length).toBe(models[3]!.length + 8);
  });
});
