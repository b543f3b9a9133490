import { EXPLAIN_METADATA_KEY, explainMetadataSchema, type OutputSpace } from "@/contracts/explanations";
import { ExplainUnavailableError, type Explainer } from "@/lib/explain/explainer-types";
import { linearExplainer } from "@/lib/explain/linear";
import { treeEnsembleExplainer } from "@/lib/explain/tree-ensemble";
import { ProtobufError, readOnnxMetadata, readOnnxModel, type OnnxModel } from "@/lib/onnx/onnx-model";

export { ExplainUnavailableError, type Explainer };

const NO_METADATA =
  "This model carries no explanation data: exact explanations need a model exported with node covers (tree " +
  `ensembles) or training feature means (linear models), stored as ONNX metadata "${EXPLAIN_METADATA_KEY}"`;

function readMetadata(metadata: Map<string, string>) {
  const text = metadata.get(EXPLAIN_METADATA_KEY);
  if (text === undefined) throw new ExplainUnavailableError(NO_METADATA);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ExplainUnavailableError(`The model's "${EXPLAIN_METADATA_KEY}" metadata is not JSON`);
  }
  const parsed = explainMetadataSchema.safeParse(json);
  if (!parsed.success)
    throw new ExplainUnavailableError(
      `The model's "${EXPLAIN_METADATA_KEY}" metadata is not one this runtime reads: ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

/** The features a node's input holds: the graph inputs concatenated into it, or the one graph input it is. */
function featuresOf(model: OnnxModel, tensor: string): string[] {
  if (model.inputs.includes(tensor)) return [tensor];
  const concat = model.nodes.find((n) => n.outputs.includes(tensor));
  const axis = concat?.attributes.get("axis")?.i;
  if (
    concat?.opType !== "Concat" ||
    (axis !== 1 && axis !== -1) ||
    !concat.inputs.every((i) => model.inputs.includes(i))
  )
    throw new ExplainUnavailableError("Explanations need the model's features to be its graph inputs, concatenated");
  return concat.inputs;
}

/** "log-odds" when the graph's output is the score through a Sigmoid, "raw" when it is the score itself. */
function outputSpaceOf(model: OnnxModel, score: string, logisticTransform = false): OutputSpace {
  if (model.outputs.length !== 1) throw new ExplainUnavailableError("Explanations need a model with one output");
  if (model.outputs[0] === score) return logisticTransform ? "log-odds" : "raw";
  const sigmoid = model.nodes.find((n) => n.opType === "Sigmoid" && n.inputs[0] === score);
  if (!logisticTransform && sigmoid?.outputs[0] === model.outputs[0]) return "log-odds";
  throw new ExplainUnavailableError("Explanations need the model's output to be its score, or the score's sigmoid");
}

/** Parses what exact explanations need from ONNX bytes, once per loaded model; throws ExplainUnavailableError. */
export function loadExplainer(bytes: Uint8Array): Explainer {
  let model: OnnxModel;
  try {
    // A model without the metadata (most uploads) is refused before its graph is decoded.
    readMetadata(readOnnxMetadata(bytes));
    model = readOnnxModel(bytes);
  } catch (error) {
    if (error instanceof ProtobufError)
      throw new ExplainUnavailableError(`The model is not valid ONNX: ${error.message}`);
    throw error;
  }
  const metadata = readMetadata(model.metadata);
  if (metadata.kind === "linear") {
    const concat = model.nodes.find((n) => n.opType === "Concat");
    const features = concat?.outputs[0] ?? model.inputs[0] ?? "";
    return linearExplainer(model, metadata, features, featuresOf(model, features), (score) =>
      outputSpaceOf(model, score),
    );
  }
  const ensembles = model.nodes.filter((n) => n.opType === "TreeEnsembleRegressor" && n.domain === "ai.onnx.ml");
  if (ensembles.length !== 1)
    throw new ExplainUnavailableError("Tree explanations need exactly one ai.onnx.ml TreeEnsembleRegressor");
  const ensemble = ensembles[0]!;
  const transform = ensemble.attributes.get("post_transform")?.s ?? "NONE";
  if (transform !== "NONE" && transform !== "LOGISTIC")
    throw new ExplainUnavailableError(`Tree explanations do not support post_transform ${transform}`);
  const outputSpace = outputSpaceOf(model, ensemble.outputs[0] ?? "", transform === "LOGISTIC");
  return treeEnsembleExplainer(ensemble, model, metadata, featuresOf(model, ensemble.inputs[0] ?? ""), outputSpace);
}
