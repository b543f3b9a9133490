import { describe, expect, it } from "vitest";
import type { Signature } from "@/contracts/signature";
import { deriveSignature, matchSignature } from "@/server/integrations/onnx/graph-signature";
import type { GraphValue, ModelGraph } from "@/server/integrations/onnx/model-graph";

const tensor = (name: string, type: string, shape: (number | string)[]): GraphValue => ({
  name,
  isTensor: true,
  type,
  shape,
});

/** A tabular classifier as onnxruntime describes it: two [batch, 1] features, a label and a probability. */
const graph: ModelGraph = {
  inputs: [tensor("amount", "float32", ["batch", 1]), tensor("channel", "string", ["batch", 1])],
  outputs: [tensor("label", "int64", ["batch"]), tensor("probability", "float32", ["batch", 2])],
};

const signature: Signature = {
  inputs: [
    { name: "amount", type: "float32", shape: [-1, 1] },
    { name: "channel", type: "string", shape: [null, 1] },
  ],
  outputs: [{ name: "probability", type: "float32", shape: [null, 2] }],
};

const problemsOf = (check: ReturnType<typeof matchSignature>) => (check.ok ? [] : check.problems);

describe("deriveSignature", () => {
  it("reads every input and output, fixed dimensions as numbers and symbolic ones as variable", () => {
    expect(deriveSignature(graph)).toEqual({
      ok: true,
      signature: {
        inputs: [
          { name: "amount", type: "float32", shape: [null, 1] },
          { name: "channel", type: "string", shape: [null, 1] },
        ],
        outputs: [
          { name: "label", type: "int64", shape: [null] },
          { name: "probability", type: "float32", shape: [null, 2] },
        ],
      },
    });
  });

  it("leaves the shape out where the graph gives none, and unnamed variable dimensions variable", () => {
    const check = deriveSignature({ inputs: [tensor("x", "float64", [])], outputs: [tensor("y", "bool", ["", 3])] });
    expect(check).toEqual({
      ok: true,
      signature: { inputs: [{ name: "x", type: "float64" }], outputs: [{ name: "y", type: "bool", shape: [null, 3] }] },
    });
  });

  it("leaves out outputs a signature cannot describe (a ZipMap's sequence of maps, int32)", () => {
    const check = deriveSignature({
      inputs: graph.inputs,
      outputs: [{ name: "probabilities", isTensor: false }, tensor("count", "int32", ["batch"]), graph.outputs[1]!],
    });
    expect(check.ok && check.signature.outputs.map((o) => o.name)).toEqual(["probability"]);
  });

  it("refuses inputs a signature cannot describe, and graphs without inputs or describable outputs", () => {
    const check = deriveSignature({
      inputs: [tensor("pixels", "uint8", ["batch", 28, 28]), { name: "history", isTensor: false }],
      outputs: [{ name: "probabilities", isTensor: false }],
    });
    expect(problemsOf(check)).toEqual([
      'input "pixels" is uint8, which a signature cannot describe (it names float32, float64, int64, string, bool)',
      'input "history" is a sequence or map, which a signature cannot describe',
      "none of the graph's outputs (probabilities) is a plain tensor",
    ]);
    expect(problemsOf(deriveSignature({ inputs: [], outputs: graph.outputs }))).toEqual(["the graph has no inputs"]);
  });
});

describe("matchSignature", () => {
  it("accepts a signature that names every input and some of the outputs, with fitting types and shapes", () => {
    expect(matchSignature(signature, graph)).toEqual({ ok: true, signature });
  });

  it("fills in the graph's shape where the signature gives none, and keeps a signature's fixed size for a symbolic one", () => {
    const check = matchSignature(
      {
        inputs: [
          { name: "channel", type: "string" },
          { name: "amount", type: "float32", shape: [64, 1] },
        ],
        outputs: [{ name: "label", type: "int64" }],
      },
      graph,
    );
    expect(check).toEqual({
      ok: true,
      signature: {
        inputs: [
          { name: "channel", type: "string", shape: [null, 1] },
          { name: "amount", type: "float32", shape: [64, 1] },
        ],
        outputs: [{ name: "label", type: "int64", shape: [null] }],
      },
    });
  });

  it("names an input the graph lacks, listing the graph's inputs", () => {
    const check = matchSignature(
      { ...signature, inputs: [...signature.inputs, { name: "merchant", type: "string" }] },
      graph,
    );
    expect(problemsOf(check)).toEqual(['input "merchant" is not in the graph (its inputs: amount, channel)']);
  });

  it("names a graph input the signature leaves out, since the runtime would not feed it", () => {
    const check = matchSignature({ ...signature, inputs: [signature.inputs[0]!] }, graph);
    expect(problemsOf(check)).toEqual([
      'the graph\'s input "channel" (string [batch, 1]) is missing from the signature',
    ]);
  });

  it("names outputs the graph lacks, element types that differ and shapes that do not fit", () => {
    const check = matchSignature(
      {
        inputs: [
          { name: "amount", type: "float64", shape: [null, 1] },
          { name: "channel", type: "string", shape: [null] },
        ],
        outputs: [
          { name: "probability", type: "float32", shape: [null, null] },
          { name: "score", type: "float32" },
        ],
      },
      graph,
    );
    expect(problemsOf(check)).toEqual([
      'input "amount" is float64 in the signature but float32 in the graph',
      'input "channel" has shape [null] in the signature but string [batch, 1] in the graph',
      'output "probability" has shape [null, null] in the signature but float32 [batch, 2] in the graph',
      'output "score" is not in the graph (its outputs: label, probability)',
    ]);
  });

  it("refuses a name listed twice and a non-tensor output named in the signature", () => {
    const check = matchSignature(
      {
        inputs: [...signature.inputs, signature.inputs[0]!],
        outputs: [{ name: "probabilities", type: "float32" }],
      },
      { inputs: graph.inputs, outputs: [{ name: "probabilities", isTensor: false }] },
    );
    expect(problemsOf(check)).toEqual([
      'input "amount" is listed twice in the signature',
      'output "probabilities" is a sequence or map in the graph, which a signature cannot describe',
    ]);
  });

  it("does not check shapes the graph does not give", () => {
    const shapeless: ModelGraph = { inputs: [tensor("x", "float32", [])], outputs: [tensor("y", "float32", [])] };
    const given: Signature = {
      inputs: [{ name: "x", type: "float32", shape: [3, 4, 5] }],
      outputs: [{ name: "y", type: "float32" }],
    };
    expect(matchSignature(given, shapeless)).toEqual({ ok: true, signature: given });
  });
});
