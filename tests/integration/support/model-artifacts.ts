import { randomInt } from "node:crypto";
import type { Signature } from "@/contracts/signature";
import { buildLinearScorer, type ScorerInput } from "@/training/linear-scorer";
import { tarArchive } from "@/training/tar";

/** The signature of `onnxModel()`: two float32 [batch, 1] features and a probability. */
export const TABULAR_SIGNATURE: Signature = {
  inputs: [
    { name: "amount", type: "float32", shape: [-1, 1] },
    { name: "hour", type: "float32", shape: [-1, 1] },
  ],
  outputs: [{ name: "probability", type: "float32", shape: [-1, 1] }],
};

function scorerInput(spec: Signature["inputs"][number]): ScorerInput {
  if (spec.type === "string") return { name: spec.name, type: "string", categories: ["web", "app"] };
  if (spec.type === "float32" || spec.type === "int64") return { name: spec.name, type: spec.type };
  throw new Error(`onnxModelFor builds float32, int64 and string inputs, not ${spec.type}`);
}

/**
 * A real ONNX model (a linear scorer with seeded weights) whose graph has exactly the signature's inputs and its one
 * float32 output, all [batch] when the first input's shape has one dimension, else [batch, 1]. Every call without a
 * seed gives new bytes, so the registry never takes two of them for the same artifact.
 */
export function onnxModelFor(signature: Signature, seed = randomInt(2 ** 31)): Uint8Array {
  const [output] = signature.outputs;
  if (!output || signature.outputs.length > 1 || output.type !== "float32")
    throw new Error("onnxModelFor builds one float32 output");
  return buildLinearScorer({
    inputs: signature.inputs.map(scorerInput),
    outputName: output.name,
    link: "sigmoid",
    rank: signature.inputs[0]?.shape?.length === 1 ? 1 : 2,
    seed,
    docString: "test model",
  });
}

export const onnxModel = (seed?: number) => onnxModelFor(TABULAR_SIGNATURE, seed);

/** A vLLM model directory, packed (no weights: the registry reads only config.json). */
export function vllmArchive(name = `test-llm-${randomInt(2 ** 31)}`): Uint8Array {
  const config = { architectures: ["Qwen2ForCausalLM"], model_type: "qwen2", _name_or_path: name };
  return tarArchive([{ path: "config.json", content: JSON.stringify(config) }], { gzip: true });
}

/** A SageMaker-style model.tar.gz for a custom serving container. */
export function containerArchive(content = `weights ${randomInt(2 ** 31)}`): Uint8Array {
  return tarArchive([{ path: "model/weights.bin", content }], { gzip: true });
}
