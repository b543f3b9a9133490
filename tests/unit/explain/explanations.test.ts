import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { EXPLAIN_METADATA_KEY } from "@/contracts/explanations";
import { ExplainUnavailableError, loadExplainer, type Explainer } from "@/lib/explain/explainer";
import { buildModelCatalog, type BuiltModel } from "@/training/catalog";
import { createDataset, rowOf } from "@/training/dataset";
import { predictRaw, trainGradientBoosting, type BoostedTrees } from "@/training/gradient-boosting";
import { buildLinearScorer } from "@/training/linear-scorer";
import { exportBoostedTrees } from "@/training/onnx-export";
import {
  attribute,
  encodeModel,
  featureInputs,
  floatMatrix,
  intAttribute,
  ML_DOMAIN,
  node,
} from "@/training/onnx-graph";
import { seededRandom } from "@/training/random";
import type { RegressionTree } from "@/training/regression-tree";

/*
 * Invariants: what must never happen.
 * - An explanation that does not add up: on every row, |Σ attributions + expected value − output| ≤ 1e-6.
 * - An explained output that is not the model's: the output equals the TypeScript model's raw score (log-odds for
 *   classifiers) to 1e-6, so the attributions explain the prediction the caller gets, not some other number.
 * - Attributions that add up but are wrong: on a small ensemble, TreeSHAP equals the Shapley values enumerated over
 *   every feature subset (path-dependent, cover-weighted conditional expectations) to 1e-9.
 * - Made-up numbers for a model without the explanation metadata: it is refused with a clear error.
 * - A node mode or missing-value rule read differently from onnxruntime: the explained output equals onnxruntime's.
 */

const additivityGap = (e: ReturnType<Explainer["explain"]>) =>
  Math.abs(e.attributions.reduce((s, v) => s + v, 0) + e.expectedValue - e.output);

describe("explanations of every catalog model, on every test row", () => {
  let catalog: BuiltModel[];
  beforeAll(() => {
    catalog = buildModelCatalog();
  }, 120_000);

  it.each([
    ["fraud-gbt", "tree-shap-path-dependent", "log-odds"],
    ["fraud-logreg", "linear-shap", "log-odds"],
    ["delivery-time-gbt", "tree-shap-path-dependent", "raw"],
  ])(
    "%s: attributions add up to the TypeScript model's raw output",
    (name, method, space) => {
      const built = catalog.find((m) => m.name === name)!;
      const explainer = loadExplainer(built.onnx);
      expect(explainer.method).toBe(method);
      expect(explainer.outputSpace).toBe(space);
      expect(explainer.featureNames).toEqual(built.test.featureNames);
      let worstGap = 0;
      let worstOutput = 0;
      for (let i = 0; i < built.test.size; i++) {
        const row = rowOf(built.test, i);
        const e = explainer.explain(row);
        worstGap = Math.max(worstGap, additivityGap(e));
        worstOutput = Math.max(worstOutput, Math.abs(e.output - built.predictRaw(row)));
      }
      expect(built.test.size).toBeGreaterThan(1000);
      expect(worstGap).toBeLessThanOrEqual(1e-6);
      expect(worstOutput).toBeLessThanOrEqual(1e-6);
    },
    60_000,
  );
});

/** E[f(x) | x_S] with the path-dependent rule: a split on a feature outside S averages its children by cover. */
function conditional(tree: RegressionTree, x: number[], inS: (f: number) => boolean, k = 0): number {
  const n = tree.nodes[k]!;
  if (n.kind === "leaf") return n.value;
  if (inS(n.feature)) return conditional(tree, x, inS, Math.fround(x[n.feature]!) <= n.threshold ? n.left : n.right);
  const left = tree.nodes[n.left]!.cover;
  const right = tree.nodes[n.right]!.cover;
  return (left * conditional(tree, x, inS, n.left) + right * conditional(tree, x, inS, n.right)) / (left + right);
}

/** The ensemble's value for the coalition of features whose bits are set in `mask`. */
const coalitionValue = (model: BoostedTrees, x: number[], mask: number) =>
  model.trees.reduce((sum, tree) => sum + conditional(tree, x, (f) => (mask & (1 << f)) !== 0), model.baseScore);

/** Shapley values by enumerating all 2^M subsets. */
function bruteForceShapley(model: BoostedTrees, x: number[], m: number): number[] {
  const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
  const v = Array.from({ length: 1 << m }, (_, mask) => coalitionValue(model, x, mask));
  return Array.from({ length: m }, (_, i) => {
    let phi = 0;
    for (let mask = 0; mask < 1 << m; mask++) {
      if (mask & (1 << i)) continue;
      let size = 0;
      for (let b = mask; b; b >>= 1) size += b & 1;
      phi += ((factorial(size) * factorial(m - size - 1)) / factorial(m)) * (v[mask | (1 << i)]! - v[mask]!);
    }
    return phi;
  });
}

/** Whether some root-to-leaf path splits twice on one feature (the case Algorithm 2's unwind handles). */
function repeatsAFeature(tree: RegressionTree, k = 0, seen: number[] = []): boolean {
  const n = tree.nodes[k]!;
  if (n.kind === "leaf") return false;
  if (seen.includes(n.feature)) return true;
  const next = [...seen, n.feature];
  return repeatsAFeature(tree, n.left, next) || repeatsAFeature(tree, n.right, next);
}

describe("TreeSHAP is exact, not just additive", () => {
  const FEATURES = 5;
  const random = seededRandom(42);
  const data = createDataset(
    "small",
    Array.from({ length: FEATURES }, (_, f) => `f${f}`),
    "y",
    3000,
  );
  for (let i = 0; i < data.size; i++) {
    const x = Array.from({ length: FEATURES }, () => random.uniform());
    x.forEach((v, f) => (data.columns[f]![i] = v));
    const signal = 3 * x[0]! * x[1]! + (x[2]! > 0.5 ? 1 : -1) * x[3]! - x[4]!;
    data.target[i] = random.bernoulli(1 / (1 + Math.exp(-4 * (signal - 0.3))));
  }
  const params = {
    trees: 12,
    learningRate: 0.3,
    maxDepth: 4,
    lambda: 1,
    minSamplesLeaf: 5,
    minHessianLeaf: 0.1,
    maxBins: 32,
    subsample: 0.8,
    seed: 5,
  };

  it.each(["logistic", "squared"] as const)("equals brute-force Shapley values (%s loss) to 1e-9", (loss) => {
    const model = trainGradientBoosting(data, { ...params, loss });
    expect(model.trees.some((tree) => repeatsAFeature(tree))).toBe(true);
    const explainer = loadExplainer(exportBoostedTrees(model, "score", "small"));
    for (let i = 0; i < 40; i++) {
      const x = rowOf(data, i);
      const e = explainer.explain(x);
      const exact = bruteForceShapley(model, x, FEATURES);
      exact.forEach((phi, f) => expect(Math.abs(e.attributions[f]! - phi)).toBeLessThanOrEqual(1e-9));
      // The expected value is the empty coalition's value, the output the full one's.
      expect(Math.abs(e.expectedValue - coalitionValue(model, x, 0))).toBeLessThan(1e-9);
      expect(Math.abs(e.output - coalitionValue(model, x, (1 << FEATURES) - 1))).toBeLessThan(1e-9);
      expect(Math.abs(e.output - predictRaw(model, x))).toBeLessThan(1e-9);
    }
  });
});

/** One hand-written tree over two features using the node modes and the missing-value rule the exporter does not. */
function handWrittenEnsemble(metadata: Record<string, string>): Uint8Array {
  const front = featureInputs(["a", "b"]);
  // Node 0: a > 0.5 (missing → true) ? node 1 : node 2; node 1: b < 1 ? leaf 3 : leaf 4; node 2: leaf.
  const attributes = [
    intAttribute("n_targets", 1),
    attribute("aggregate_function", "SUM"),
    attribute("post_transform", "NONE"),
    attribute("base_values", [0.25]),
    attribute("nodes_treeids", { ints: [0, 0, 0, 0, 0] }),
    attribute("nodes_nodeids", { ints: [0, 1, 2, 3, 4] }),
    attribute("nodes_featureids", { ints: [0, 1, 0, 0, 0] }),
    attribute("nodes_values", [0.5, 1, 0, 0, 0]),
    attribute("nodes_modes", ["BRANCH_GT", "BRANCH_LT", "LEAF", "LEAF", "LEAF"]),
    attribute("nodes_truenodeids", { ints: [1, 3, 0, 0, 0] }),
    attribute("nodes_falsenodeids", { ints: [2, 4, 0, 0, 0] }),
    attribute("nodes_missing_value_tracks_true", { ints: [1, 0, 0, 0, 0] }),
    attribute("target_treeids", { ints: [0, 0, 0] }),
    attribute("target_nodeids", { ints: [2, 3, 4] }),
    attribute("target_ids", { ints: [0, 0, 0] }),
    attribute("target_weights", [-1, 2, 5]),
  ];
  return encodeModel({
    graphName: "hand",
    docString: "hand-written",
    nodes: [...front.nodes, node("TreeEnsembleRegressor", ["features"], ["score"], attributes, ML_DOMAIN)],
    inputs: front.inputs,
    outputs: [floatMatrix("score", 1)],
    metadata,
  });
}

describe("node modes and missing values, as onnxruntime reads them", () => {
  const covers = JSON.stringify({ version: 1, kind: "tree-ensemble", baseScore: 0.25, covers: [[10, 6, 4, 2, 4]] });
  const bytes = handWrittenEnsemble({ [EXPLAIN_METADATA_KEY]: covers });

  it("explains BRANCH_GT / BRANCH_LT and missing-tracks-true the way onnxruntime predicts", async () => {
    const rows = [
      [0.7, 0.5],
      [0.7, 1],
      [0.5, 3],
      [0.2, 0],
      [NaN, 0.5],
      [NaN, NaN],
      [0.9, NaN],
    ];
    const session = await ort.InferenceSession.create(bytes);
    const feeds = {
      a: new ort.Tensor("float32", Float32Array.from(rows.map((r) => r[0]!)), [rows.length, 1]),
      b: new ort.Tensor("float32", Float32Array.from(rows.map((r) => r[1]!)), [rows.length, 1]),
    };
    const scores = (await session.run(feeds)).score!.data as Float32Array;
    await session.release();
    const explainer = loadExplainer(bytes);
    // Expected value: 0.25 + (4·(−1) + 2·2 + 4·5) / 10 = 2.25.
    expect(explainer.explain([0, 0]).expectedValue).toBeCloseTo(2.25, 12);
    rows.forEach((row, i) => {
      const e = explainer.explain(row);
      expect(e.output).toBeCloseTo(scores[i]!, 6);
      expect(additivityGap(e)).toBeLessThanOrEqual(1e-12);
    });
  });

  it("refuses covers that do not add up, or a base score that is not the graph's", () => {
    const badCovers = JSON.stringify({
      version: 1,
      kind: "tree-ensemble",
      baseScore: 0.25,
      covers: [[10, 5, 4, 2, 4]],
    });
    expect(() => loadExplainer(handWrittenEnsemble({ [EXPLAIN_METADATA_KEY]: badCovers }))).toThrow(
      /not the sum of its children/,
    );
    const badBase = JSON.stringify({ version: 1, kind: "tree-ensemble", baseScore: 1, covers: [[10, 6, 4, 2, 4]] });
    expect(() => loadExplainer(handWrittenEnsemble({ [EXPLAIN_METADATA_KEY]: badBase }))).toThrow(/base score/);
  });
});

describe("models without explanation metadata", () => {
  it("refuses a model exported without it, saying what is needed", () => {
    const scorer = buildLinearScorer({
      inputs: [{ name: "amount", type: "float32" }],
      outputName: "probability",
      link: "sigmoid",
      rank: 2,
      seed: 1,
      docString: "uploaded",
    });
    expect(() => loadExplainer(scorer)).toThrow(ExplainUnavailableError);
    expect(() => loadExplainer(scorer)).toThrow(/node covers .* feature means/);
    expect(() => loadExplainer(handWrittenEnsemble({}))).toThrow(ExplainUnavailableError);
  });

  it("refuses bytes that are not ONNX, and metadata of an unknown version", () => {
    expect(() => loadExplainer(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(ExplainUnavailableError);
    const future = JSON.stringify({ version: 2, kind: "tree-ensemble", baseScore: 0.25, covers: [[1]] });
    expect(() => loadExplainer(handWrittenEnsemble({ [EXPLAIN_METADATA_KEY]: future }))).toThrow(
      ExplainUnavailableError,
    );
  });
});
