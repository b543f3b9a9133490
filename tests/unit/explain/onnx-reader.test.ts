import { describe, expect, it } from "vitest";
import { fields, ProtobufError } from "@/lib/onnx/protobuf-reader";
import { readOnnxMetadata, readOnnxModel } from "@/lib/onnx/onnx-model";
import { buildLinearScorer } from "@/training/linear-scorer";
import { encodeModel, featureInputs, floatInitializer, floatMatrix, node } from "@/training/onnx-graph";

describe("the ONNX reader in lib/onnx", () => {
  it("reads nodes, attributes, initializers (negative int64 too), inputs and outputs as onnx-proto wrote them", () => {
    const bytes = buildLinearScorer({
      inputs: [
        { name: "amount", type: "float32" },
        { name: "channel", type: "string", categories: ["web", "app"] },
      ],
      outputName: "score",
      link: "identity",
      rank: 1,
      seed: 3,
      docString: "reader test",
    });
    const model = readOnnxModel(bytes);
    expect(model.inputs).toEqual(["amount", "channel"]);
    expect(model.outputs).toEqual(["score"]);
    expect(model.initializers.get("__column_shape")).toMatchObject({ dims: [2], values: [-1, 1] });
    expect(model.initializers.get("__vector_shape")?.values).toEqual([-1]);
    const encoder = model.nodes.find((n) => n.opType === "LabelEncoder")!;
    expect(encoder.domain).toBe("ai.onnx.ml");
    expect(encoder.attributes.get("keys_strings")?.strings).toEqual(["web", "app"]);
    expect(encoder.attributes.get("values_floats")?.floats).toHaveLength(2);
    expect(model.nodes.find((n) => n.opType === "Concat")?.attributes.get("axis")?.i).toBe(1);
    expect(readOnnxMetadata(bytes).size).toBe(0);
  });

  it("reads metadata_props and float tensors", () => {
    const front = featureInputs(["a"]);
    const bytes = encodeModel({
      graphName: "g",
      docString: "",
      nodes: [...front.nodes, node("Add", ["features", "c"], ["out"])],
      inputs: front.inputs,
      outputs: [floatMatrix("out", 1)],
      initializers: [floatInitializer("c", [1], [0.5])],
      metadata: { one: "1", "modelport.explain": '{"version":1}' },
    });
    expect(Object.fromEntries(readOnnxMetadata(bytes))).toEqual({ one: "1", "modelport.explain": '{"version":1}' });
    expect(readOnnxModel(bytes).initializers.get("c")?.values).toEqual([0.5]);
  });

  it("refuses truncated bytes", () => {
    expect(() => [...fields(new Uint8Array([0x0a, 0x05, 0x01]))]).toThrow(ProtobufError);
    expect(() => [...fields(new Uint8Array([0x08, 0xff]))]).toThrow(ProtobufError);
  });
});
