import { EXPLAIN_METADATA_KEY, type ExplainMetadata } from "@/contracts/explanations";
import type { BoostedTrees } from "@/training/gradient-boosting";
import type { LogisticRegression } from "@/training/logistic-regression";
import {
  attribute,
  encodeModel,
  featureInputs,
  floatInitializer,
  floatMatrix,
  intAttribute,
  ML_DOMAIN,
  node,
} from "@/training/onnx-graph";

/** The `ai.onnx.ml` TreeEnsembleRegressor attributes for a boosted ensemble (one target, summed trees). */
export function treeEnsembleAttributes(model: BoostedTrees) {
  const a = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    values: [] as number[],
    modes: [] as string[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    targetTreeIds: [] as number[],
    targetNodeIds: [] as number[],
    targetWeights: [] as number[],
  };
  model.trees.forEach((tree, treeId) => {
    tree.nodes.forEach((n, nodeId) => {
      a.treeIds.push(treeId);
      a.nodeIds.push(nodeId);
      a.featureIds.push(n.kind === "split" ? n.feature : 0);
      a.values.push(n.kind === "split" ? n.threshold : 0);
      a.modes.push(n.kind === "split" ? "BRANCH_LEQ" : "LEAF");
      a.trueIds.push(n.kind === "split" ? n.left : 0);
      a.falseIds.push(n.kind === "split" ? n.right : 0);
      if (n.kind === "leaf") {
        a.targetTreeIds.push(treeId);
        a.targetNodeIds.push(nodeId);
        a.targetWeights.push(n.value);
      }
    });
  });
  return [
    intAttribute("n_targets", 1),
    attribute("aggregate_function", "SUM"),
    attribute("post_transform", "NONE"),
    attribute("base_values", [model.baseScore]),
    attribute("nodes_treeids", { ints: a.treeIds }),
    attribute("nodes_nodeids", { ints: a.nodeIds }),
    attribute("nodes_featureids", { ints: a.featureIds }),
    attribute("nodes_values", a.values),
    attribute("nodes_modes", a.modes),
    attribute("nodes_truenodeids", { ints: a.trueIds }),
    attribute("nodes_falsenodeids", { ints: a.falseIds }),
    attribute("target_treeids", { ints: a.targetTreeIds }),
    attribute("target_nodeids", { ints: a.targetNodeIds }),
    attribute("target_ids", { ints: a.targetTreeIds.map(() => 0) }),
    attribute("target_weights", a.targetWeights),
  ];
}

/** What exact explanations need beyond the graph, as ModelProto metadata_props (see contracts/explanations.ts). */
function explainMetadata(metadata: ExplainMetadata): Record<string, string> {
  return { [EXPLAIN_METADATA_KEY]: JSON.stringify(metadata) };
}

/** Boosted trees → TreeEnsembleRegressor (+ Sigmoid for the logistic loss); output `outputName` is [batch, 1]. */
export function exportBoostedTrees(model: BoostedTrees, outputName: string, docString: string): Uint8Array {
  const front = featureInputs(model.featureNames);
  const logistic = model.loss === "logistic";
  const ensembleOutput = logistic ? "raw_score" : outputName;
  const nodes = [
    ...front.nodes,
    node("TreeEnsembleRegressor", ["features"], [ensembleOutput], treeEnsembleAttributes(model), ML_DOMAIN),
  ];
  if (logistic) nodes.push(node("Sigmoid", ["raw_score"], [outputName]));
  return encodeModel({
    graphName: outputName,
    docString,
    nodes,
    inputs: front.inputs,
    outputs: [floatMatrix(outputName, 1)],
    metadata: explainMetadata({
      version: 1,
      kind: "tree-ensemble",
      baseScore: model.baseScore,
      covers: model.trees.map((tree) => tree.nodes.map((n) => n.cover)),
    }),
  });
}

/** Logistic regression → Sub/Mul (standardisation) → MatMul → Add → Sigmoid; output `outputName` is [batch, 1]. */
export function exportLogisticRegression(model: LogisticRegression, outputName: string, docString: string): Uint8Array {
  const front = featureInputs(model.featureNames);
  const nodes = [
    ...front.nodes,
    node("Sub", ["features", "mean"], ["centred"]),
    node("Mul", ["centred", "scale"], ["scaled"]),
    node("MatMul", ["scaled", "weights"], ["logit_no_bias"]),
    node("Add", ["logit_no_bias", "bias"], ["logit"]),
    node("Sigmoid", ["logit"], [outputName]),
  ];
  return encodeModel({
    graphName: outputName,
    docString,
    nodes,
    inputs: front.inputs,
    outputs: [floatMatrix(outputName, 1)],
    initializers: [
      floatInitializer("mean", [model.mean.length], model.mean),
      floatInitializer("scale", [model.scale.length], model.scale),
      floatInitializer("weights", [model.weights.length, 1], model.weights),
      floatInitializer("bias", [1], [model.bias]),
    ],
    // The standardisation means are the training feature means (rounded to float32).
    metadata: explainMetadata({ version: 1, kind: "linear", featureMeans: model.mean }),
  });
}
