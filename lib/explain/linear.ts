import type { z } from "zod";
import type { linearExplainSchema } from "@/contracts/explanations";
import { ExplainUnavailableError, type Explainer } from "@/lib/explain/explainer-types";
import type { OnnxModel } from "@/lib/onnx/onnx-model";

type LinearMetadata = z.infer<typeof linearExplainSchema>;

const unsupported = (why: string) => new ExplainUnavailableError(`This linear model cannot be explained: ${why}`);

/** An elementwise step on the feature vector before the MatMul: x − c, x · c or x + c (c per feature or one value). */
type Step = { op: "Sub" | "Mul" | "Add"; values: number[] };

/**
 * Follows the graph from the feature matrix `features` through Sub/Mul/Add by constants, a MatMul by an [n, 1]
 * weight vector and an optional Add of a bias; anything else is refused. Returns the chain and the score's name.
 */
function readChain(model: OnnxModel, features: string, width: number) {
  const constant = (name: string | undefined) => (name === undefined ? undefined : model.initializers.get(name));
  const steps: Step[] = [];
  let current = features;
  let weights: number[] | undefined;
  let bias = 0;
  for (;;) {
    const consumers = model.nodes.filter((n) => n.inputs.includes(current));
    if (consumers.length !== 1) break;
    const node = consumers[0]!;
    const other = node.inputs.find((name) => name !== current);
    const tensor = constant(other);
    if (node.inputs.length !== 2 || !tensor) break;
    if (node.opType === "MatMul" && !weights && node.inputs[0] === current) {
      if (tensor.values.length !== width || (tensor.dims[1] ?? 1) !== 1)
        throw unsupported(`its weights have shape [${tensor.dims.join(", ")}], not [${width}, 1]`);
      weights = tensor.values;
    } else if (node.opType === "Add" && weights) {
      if (tensor.values.length !== 1) throw unsupported("its bias is not one value");
      bias += tensor.values[0]!;
    } else if (!weights && (node.opType === "Mul" || node.opType === "Add" || node.opType === "Sub")) {
      if (node.opType === "Sub" && node.inputs[0] !== current) break;
      if (tensor.values.length !== width && tensor.values.length !== 1)
        throw unsupported(`its ${node.opType} constant has ${tensor.values.length} values for ${width} features`);
      steps.push({ op: node.opType, values: tensor.values });
    } else break;
    current = node.outputs[0]!;
  }
  if (!weights) throw unsupported("no MatMul by a weight vector follows its features");
  return { steps, weights, bias, score: current };
}

function transform(steps: Step[], feature: number, x: number): number {
  let value = x;
  for (const { op, values } of steps) {
    const c = values.length === 1 ? values[0]! : values[feature]!;
    value = op === "Sub" ? value - c : op === "Mul" ? value * c : value + c;
  }
  return value;
}

/**
 * Exact SHAP for a linear score with independent features: φ_i = w_i·(g_i(x_i) − g_i(μ_i)), where g_i is the
 * feature's (affine) preprocessing and μ_i its training mean; the expected value is the score at the means.
 */
export function linearExplainer(
  model: OnnxModel,
  metadata: LinearMetadata,
  features: string,
  featureNames: string[],
  outputSpaceOf: (score: string) => Explainer["outputSpace"],
): Explainer {
  const width = featureNames.length;
  if (metadata.featureMeans.length !== width)
    throw unsupported(`its metadata has ${metadata.featureMeans.length} feature means for ${width} features`);
  const { steps, weights, bias, score } = readChain(model, features, width);
  const outputSpace = outputSpaceOf(score);
  const atMean = metadata.featureMeans.map((mean, i) => weights[i]! * transform(steps, i, mean));
  const expectedValue = atMean.reduce((sum, v) => sum + v, bias);
  return {
    featureNames,
    method: "linear-shap",
    outputSpace,
    explain: (row) => {
      const attributions = new Float64Array(width);
      let output = bias;
      for (let i = 0; i < width; i++) {
        const term = weights[i]! * transform(steps, i, Math.fround(row[i]!));
        output += term;
        attributions[i] = term - atMean[i]!;
      }
      return { attributions, expectedValue, output };
    },
  };
}
