import type { BinnedFeature } from "@/training/binning";

/** `cover` is the number of training rows (of the tree's subsample) that reached the node: TreeSHAP weighs by it. */
export type TreeNode = { cover: number } & (
  { kind: "split"; feature: number; threshold: number; left: number; right: number } | { kind: "leaf"; value: number }
);

/** Nodes in pre-order; node 0 is the root. Split nodes send `x <= threshold` left. */
export type RegressionTree = { nodes: TreeNode[] };

export type TreeParams = {
  maxDepth: number;
  /** L2 regularisation of leaf values (XGBoost's lambda). */
  lambda: number;
  minSamplesLeaf: number;
  minHessianLeaf: number;
  /** Multiplies every leaf value (the boosting learning rate), applied before rounding to float32. */
  shrinkage: number;
};

type Split = { feature: number; bin: number; gain: number };

/** The second-order gain of splitting (G, H) into a left and a right part (XGBoost's structure score). */
export function splitGain(gl: number, hl: number, gr: number, hr: number, lambda: number): number {
  return (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - ((gl + gr) * (gl + gr)) / (hl + hr + lambda);
}

/** The Newton step for a leaf: minimises the second-order loss approximation. */
export function leafValue(g: number, h: number, lambda: number): number {
  return -g / (h + lambda);
}

function bestSplit(
  features: BinnedFeature[],
  grad: Float64Array,
  hess: Float64Array,
  rows: Uint32Array,
  params: TreeParams,
): Split | undefined {
  let best: Split | undefined;
  for (let f = 0; f < features.length; f++) {
    const { bins, edges } = features[f]!;
    const binCount = edges.length + 1;
    const g = new Float64Array(binCount);
    const h = new Float64Array(binCount);
    const n = new Uint32Array(binCount);
    for (const row of rows) {
      const b = bins[row]!;
      g[b]! += grad[row]!;
      h[b]! += hess[row]!;
      n[b]!++;
    }
    let totalG = 0;
    let totalH = 0;
    for (let b = 0; b < binCount; b++) {
      totalG += g[b]!;
      totalH += h[b]!;
    }
    let gl = 0;
    let hl = 0;
    let nl = 0;
    for (let b = 0; b < binCount - 1; b++) {
      gl += g[b]!;
      hl += h[b]!;
      nl += n[b]!;
      const nr = rows.length - nl;
      const hr = totalH - hl;
      if (
        nl < params.minSamplesLeaf ||
        nr < params.minSamplesLeaf ||
        hl < params.minHessianLeaf ||
        hr < params.minHessianLeaf
      )
        continue;
      const gain = splitGain(gl, hl, totalG - gl, hr, params.lambda);
      if (gain > 1e-9 && (!best || gain > best.gain)) best = { feature: f, bin: b, gain };
    }
  }
  return best;
}

/** Fits one depth-limited regression tree to gradients and hessians (one boosting round). */
export function fitRegressionTree(
  features: BinnedFeature[],
  grad: Float64Array,
  hess: Float64Array,
  rows: Uint32Array,
  params: TreeParams,
): RegressionTree {
  const nodes: TreeNode[] = [];
  const grow = (nodeRows: Uint32Array, depth: number): number => {
    const index = nodes.length;
    const split = depth < params.maxDepth ? bestSplit(features, grad, hess, nodeRows, params) : undefined;
    if (!split) {
      let g = 0;
      let h = 0;
      for (const row of nodeRows) {
        g += grad[row]!;
        h += hess[row]!;
      }
      nodes.push({
        kind: "leaf",
        value: Math.fround(params.shrinkage * leafValue(g, h, params.lambda)),
        cover: nodeRows.length,
      });
      return index;
    }
    const bins = features[split.feature]!.bins;
    const left = nodeRows.filter((row) => bins[row]! <= split.bin);
    const right = nodeRows.filter((row) => bins[row]! > split.bin);
    const node: TreeNode = {
      kind: "split",
      feature: split.feature,
      threshold: features[split.feature]!.edges[split.bin]!,
      left: -1,
      right: -1,
      cover: nodeRows.length,
    };
    nodes.push(node);
    node.left = grow(left, depth + 1);
    node.right = grow(right, depth + 1);
    return index;
  };
  grow(rows, 0);
  return { nodes };
}

export function predictTree(tree: RegressionTree, row: ArrayLike<number>): number {
  let node = tree.nodes[0]!;
  while (node.kind === "split") node = tree.nodes[row[node.feature]! <= node.threshold ? node.left : node.right]!;
  return node.value;
}
