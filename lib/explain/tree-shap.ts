/**
 * One decision tree, flattened: node k splits on features[k] (leaves have -1), sends a row to trueChild when
 * goesTrue(mode, x, threshold, missingTracksTrue) holds, else to falseChild. Node 0 is the root.
 */
export type ExplainTree = {
  features: Int32Array;
  thresholds: Float32Array;
  modes: Uint8Array;
  missingTracksTrue: Uint8Array;
  trueChild: Int32Array;
  falseChild: Int32Array;
  values: Float64Array;
  covers: Float64Array;
};

/** ai.onnx.ml TreeEnsemble node modes, as onnxruntime compares them (float32 input against a float32 threshold). */
export const NODE_MODES = ["LEAF", "BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ"];
export const LEAF = 0;

/** onnxruntime's test: the comparison (false for NaN but in NEQ), or a NaN on a node whose missing value tracks true. */
export function goesTrue(mode: number, x: number, threshold: number, missingTracksTrue: boolean): boolean {
  if (missingTracksTrue && Number.isNaN(x)) return true;
  switch (mode) {
    case 1:
      return x <= threshold;
    case 2:
      return x < threshold;
    case 3:
      return x >= threshold;
    case 4:
      return x > threshold;
    case 5:
      return x === threshold;
    default:
      return x !== threshold;
  }
}

function nextNode(tree: ExplainTree, node: number, x: ArrayLike<number>): number {
  const value = x[tree.features[node]!]!;
  const yes = goesTrue(tree.modes[node]!, value, tree.thresholds[node]!, tree.missingTracksTrue[node] === 1);
  return yes ? tree.trueChild[node]! : tree.falseChild[node]!;
}

/** The leaf value the row lands on. */
export function treeOutput(tree: ExplainTree, x: ArrayLike<number>): number {
  let node = 0;
  while (tree.modes[node] !== LEAF) node = nextNode(tree, node, x);
  return tree.values[node]!;
}

/** The cover-weighted mean leaf value: the tree's output with no feature known. */
export function treeExpectedValue(tree: ExplainTree): number {
  let sum = 0;
  for (let k = 0; k < tree.modes.length; k++) if (tree.modes[k] === LEAF) sum += tree.covers[k]! * tree.values[k]!;
  return sum / tree.covers[0]!;
}

/** The path of unique features from the root to a node, with each one's weights (Lundberg et al. 2018, Alg. 2). */
type Path = { feature: Int32Array; zero: Float64Array; one: Float64Array; weight: Float64Array };

function newPath(size: number): Path {
  return {
    feature: new Int32Array(size),
    zero: new Float64Array(size),
    one: new Float64Array(size),
    weight: new Float64Array(size),
  };
}

// A loop, not set(subarray()): this runs at every node, and each subarray is an allocation.
function copyPath(from: Path, to: Path, length: number) {
  for (let i = 0; i < length; i++) {
    to.feature[i] = from.feature[i]!;
    to.zero[i] = from.zero[i]!;
    to.one[i] = from.one[i]!;
    to.weight[i] = from.weight[i]!;
  }
}

function extend(path: Path, depth: number, zero: number, one: number, feature: number) {
  path.feature[depth] = feature;
  path.zero[depth] = zero;
  path.one[depth] = one;
  path.weight[depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    path.weight[i + 1]! += (one * path.weight[i]! * (i + 1)) / (depth + 1);
    path.weight[i] = (zero * path.weight[i]! * (depth - i)) / (depth + 1);
  }
}

function unwind(path: Path, depth: number, index: number) {
  const one = path.one[index]!;
  const zero = path.zero[index]!;
  let nextOne = path.weight[depth]!;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const previous = path.weight[i]!;
      path.weight[i] = (nextOne * (depth + 1)) / ((i + 1) * one);
      nextOne = previous - (path.weight[i]! * zero * (depth - i)) / (depth + 1);
    } else {
      path.weight[i] = (path.weight[i]! * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    path.feature[i] = path.feature[i + 1]!;
    path.zero[i] = path.zero[i + 1]!;
    path.one[i] = path.one[i + 1]!;
  }
}

/** The total weight the path would have with element `index` unwound (without changing the path). */
function unwoundSum(path: Path, depth: number, index: number): number {
  const one = path.one[index]!;
  const zero = path.zero[index]!;
  let nextOne = path.weight[depth]!;
  let total = 0;
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const part = (nextOne * (depth + 1)) / ((i + 1) * one);
      total += part;
      nextOne = path.weight[i]! - (part * zero * (depth - i)) / (depth + 1);
    } else {
      total += path.weight[i]! / zero / ((depth - i) / (depth + 1));
    }
  }
  return total;
}

/** Scratch paths for trees up to `maxDepth` deep, reused across rows and trees (explain is synchronous). */
export type TreeShapWorkspace = Path[];

export function treeShapWorkspace(maxDepth: number): TreeShapWorkspace {
  return Array.from({ length: maxDepth + 2 }, () => newPath(maxDepth + 2));
}

function recurse(
  tree: ExplainTree,
  x: ArrayLike<number>,
  phi: Float64Array,
  paths: TreeShapWorkspace,
  node: number,
  level: number,
  depth: number,
  zero: number,
  one: number,
  feature: number,
) {
  const path = paths[level]!;
  if (level > 0) copyPath(paths[level - 1]!, path, depth);
  extend(path, depth, zero, one, feature);
  if (tree.modes[node] === LEAF) {
    const value = tree.values[node]!;
    for (let i = 1; i <= depth; i++) {
      const weight = unwoundSum(path, depth, i);
      phi[path.feature[i]!]! += weight * (path.one[i]! - path.zero[i]!) * value;
    }
    return;
  }
  const split = tree.features[node]!;
  const hot = nextNode(tree, node, x);
  const cold = hot === tree.trueChild[node] ? tree.falseChild[node]! : tree.trueChild[node]!;
  const cover = tree.covers[node]!;
  let incomingZero = 1;
  let incomingOne = 1;
  let index = 0;
  while (index <= depth && path.feature[index] !== split) index++;
  if (index <= depth) {
    incomingZero = path.zero[index]!;
    incomingOne = path.one[index]!;
    unwind(path, depth, index);
    depth -= 1;
  }
  const hotZero = (tree.covers[hot]! / cover) * incomingZero;
  recurse(tree, x, phi, paths, hot, level + 1, depth + 1, hotZero, incomingOne, split);
  const coldZero = (tree.covers[cold]! / cover) * incomingZero;
  recurse(tree, x, phi, paths, cold, level + 1, depth + 1, coldZero, 0, split);
}

/**
 * Adds the tree's exact path-dependent SHAP values for row x to phi (polynomial-time TreeSHAP, Lundberg, Erion & Lee
 * 2018, Algorithm 2; shap.TreeExplainer with feature_perturbation="tree_path_dependent"). Every node's cover must be
 * positive, so no fraction divides by zero; the workspace must be for at least the tree's depth.
 */
export function treeShap(tree: ExplainTree, x: ArrayLike<number>, phi: Float64Array, paths: TreeShapWorkspace) {
  recurse(tree, x, phi, paths, 0, 0, 0, 1, 1, -1);
}
