import type { z } from "zod";
import type { treeEnsembleExplainSchema } from "@/contracts/explanations";
import { ExplainUnavailableError, type Explainer } from "@/lib/explain/explainer-types";
import {
  LEAF,
  NODE_MODES,
  treeExpectedValue,
  treeOutput,
  treeShap,
  treeShapWorkspace,
  type ExplainTree,
} from "@/lib/explain/tree-shap";
import type { OnnxModel, OnnxNode } from "@/lib/onnx/onnx-model";

type TreeMetadata = z.infer<typeof treeEnsembleExplainSchema>;

const unsupported = (why: string) => new ExplainUnavailableError(`This tree ensemble cannot be explained: ${why}`);

function ints(node: OnnxNode, name: string): number[] {
  return node.attributes.get(name)?.ints ?? [];
}

function floatsOf(node: OnnxNode, name: string): number[] {
  const attribute = node.attributes.get(name) ?? node.attributes.get(`${name}_as_tensor`);
  return attribute ? (attribute.floats.length > 0 ? attribute.floats : (attribute.t?.values ?? [])) : [];
}

type RawNode = { feature: number; threshold: number; mode: number; trueId: number; falseId: number; missing: boolean };

/** Flattens one tree from the root (node 0 of the result), refusing a child that is missing or reached twice. */
function flatten(treeId: number, nodes: Map<number, RawNode>, leaves: Map<number, number>, covers: number[]) {
  const children = new Set<number>();
  for (const n of nodes.values()) if (n.mode !== LEAF) children.add(n.trueId).add(n.falseId);
  const roots = [...nodes.keys()].filter((id) => !children.has(id));
  if (roots.length !== 1) throw unsupported(`tree ${treeId} has ${roots.length} roots`);
  const order: number[] = [];
  const index = new Map<number, number>();
  const visit = (id: number, depth: number): number => {
    if (!nodes.has(id) || index.has(id)) throw unsupported(`tree ${treeId} is not a tree at node ${id}`);
    index.set(id, order.length);
    order.push(id);
    const n = nodes.get(id)!;
    if (n.mode === LEAF) return depth;
    return Math.max(visit(n.trueId, depth + 1), visit(n.falseId, depth + 1));
  };
  const depth = visit(roots[0]!, 0);
  const size = order.length;
  const tree: ExplainTree = {
    features: new Int32Array(size),
    thresholds: new Float32Array(size),
    modes: new Uint8Array(size),
    missingTracksTrue: new Uint8Array(size),
    trueChild: new Int32Array(size),
    falseChild: new Int32Array(size),
    values: new Float64Array(size),
    covers: new Float64Array(size),
  };
  order.forEach((id, k) => {
    const n = nodes.get(id)!;
    const cover = covers[id];
    if (cover === undefined || !(cover > 0))
      throw unsupported(`the cover of tree ${treeId} node ${id} is ${cover ?? "missing"}; covers must be positive`);
    tree.covers[k] = cover;
    tree.modes[k] = n.mode;
    tree.features[k] = n.mode === LEAF ? -1 : n.feature;
    tree.thresholds[k] = n.threshold;
    tree.missingTracksTrue[k] = n.missing ? 1 : 0;
    tree.trueChild[k] = n.mode === LEAF ? -1 : index.get(n.trueId)!;
    tree.falseChild[k] = n.mode === LEAF ? -1 : index.get(n.falseId)!;
    tree.values[k] = leaves.get(id) ?? 0;
  });
  for (let k = 0; k < size; k++) {
    if (tree.modes[k] === LEAF) continue;
    const sum = tree.covers[tree.trueChild[k]!]! + tree.covers[tree.falseChild[k]!]!;
    if (Math.abs(sum - tree.covers[k]!) > 1e-9 * tree.covers[k]!)
      throw unsupported(`in tree ${treeId}, a node's cover is not the sum of its children's`);
  }
  return { tree, depth };
}

/** Reads the TreeEnsembleRegressor's trees with the metadata's covers; featureNames name its input's columns in order. */
export function treeEnsembleExplainer(
  ensemble: OnnxNode,
  model: OnnxModel,
  metadata: TreeMetadata,
  featureNames: string[],
  outputSpace: Explainer["outputSpace"],
): Explainer {
  const attribute = (name: string) => ensemble.attributes.get(name);
  if ((attribute("aggregate_function")?.s ?? "SUM") !== "SUM") throw unsupported("its aggregate function is not SUM");
  if ((attribute("n_targets")?.i ?? 1) !== 1) throw unsupported("it has more than one target");
  if (ints(ensemble, "target_ids").some((id) => id !== 0)) throw unsupported("it has more than one target");
  const treeIds = ints(ensemble, "nodes_treeids");
  const nodeIds = ints(ensemble, "nodes_nodeids");
  const featureIds = ints(ensemble, "nodes_featureids");
  const thresholds = floatsOf(ensemble, "nodes_values");
  const modes = ensemble.attributes.get("nodes_modes")?.strings ?? [];
  const trueIds = ints(ensemble, "nodes_truenodeids");
  const falseIds = ints(ensemble, "nodes_falsenodeids");
  const missing = ints(ensemble, "nodes_missing_value_tracks_true");
  const count = treeIds.length;
  const lengths = [nodeIds, featureIds, thresholds, modes, trueIds, falseIds].map((a) => a.length);
  if (count === 0 || lengths.some((n) => n !== count)) throw unsupported("its node attributes disagree in length");
  const trees = new Map<number, { nodes: Map<number, RawNode>; leaves: Map<number, number> }>();
  const treeOf = (id: number) => {
    if (!trees.has(id)) trees.set(id, { nodes: new Map(), leaves: new Map() });
    return trees.get(id)!;
  };
  for (let i = 0; i < count; i++) {
    const mode = NODE_MODES.indexOf(modes[i]!);
    if (mode < 0) throw unsupported(`node mode ${modes[i]} is not one of ${NODE_MODES.join(", ")}`);
    if (mode !== LEAF && !(featureIds[i]! >= 0 && featureIds[i]! < featureNames.length))
      throw unsupported(`a node splits on feature ${featureIds[i]}, the input has ${featureNames.length}`);
    treeOf(treeIds[i]!).nodes.set(nodeIds[i]!, {
      feature: featureIds[i]!,
      threshold: thresholds[i]!,
      mode,
      trueId: trueIds[i]!,
      falseId: falseIds[i]!,
      missing: missing[i] === 1,
    });
  }
  const targetTrees = ints(ensemble, "target_treeids");
  const targetNodes = ints(ensemble, "target_nodeids");
  const weights = floatsOf(ensemble, "target_weights");
  if (targetNodes.length !== targetTrees.length || weights.length !== targetTrees.length)
    throw unsupported("its target attributes disagree in length");
  targetTrees.forEach((treeId, i) => {
    const leaves = treeOf(treeId).leaves;
    leaves.set(targetNodes[i]!, (leaves.get(targetNodes[i]!) ?? 0) + weights[i]!);
  });
  const baseValues = floatsOf(ensemble, "base_values");
  const baseScore = baseValues[0] ?? 0;
  if (Math.fround(metadata.baseScore) !== Math.fround(baseScore))
    throw unsupported(`its metadata's base score ${metadata.baseScore} is not the graph's ${baseScore}`);
  const flat = [...trees.entries()].map(([treeId, t]) => {
    const covers = metadata.covers[treeId];
    if (!covers) throw unsupported(`its metadata has no covers for tree ${treeId}`);
    return flatten(treeId, t.nodes, t.leaves, covers);
  });
  const expectedValue = flat.reduce((sum, { tree }) => sum + treeExpectedValue(tree), baseScore);
  const workspace = treeShapWorkspace(Math.max(...flat.map((t) => t.depth)));
  return {
    featureNames,
    method: "tree-shap-path-dependent",
    outputSpace,
    explain: (row) => {
      const x = Float32Array.from(row);
      const attributions = new Float64Array(featureNames.length);
      let output = baseScore;
      for (const { tree } of flat) {
        output += treeOutput(tree, x);
        treeShap(tree, x, attributions, workspace);
      }
      return { attributions, expectedValue, output };
    },
  };
}
