import { binFeature } from "@/training/binning";
import type { Dataset } from "@/training/dataset";
import { seededRandom } from "@/training/random";
import { fitRegressionTree, predictTree, type RegressionTree, type TreeParams } from "@/training/regression-tree";

export type BoostingLoss = "logistic" | "squared";

export type BoostingParams = Omit<TreeParams, "shrinkage"> & {
  loss: BoostingLoss;
  trees: number;
  learningRate: number;
  maxBins: number;
  /** Share of rows each tree sees (stochastic gradient boosting). */
  subsample: number;
  seed: number;
};

export type BoostedTrees = { loss: BoostingLoss; featureNames: string[]; baseScore: number; trees: RegressionTree[] };

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Gradient and hessian of the loss with respect to the raw score, per row. */
export function lossDerivatives(loss: BoostingLoss, raw: number, target: number): { g: number; h: number } {
  if (loss === "squared") return { g: raw - target, h: 1 };
  const p = sigmoid(raw);
  return { g: p - target, h: Math.max(p * (1 - p), 1e-12) };
}

function initialScore(loss: BoostingLoss, target: Float64Array): number {
  const mean = target.reduce((sum, y) => sum + y, 0) / target.length;
  if (loss === "squared") return Math.fround(mean);
  const p = Math.min(Math.max(mean, 1e-6), 1 - 1e-6);
  return Math.fround(Math.log(p / (1 - p)));
}

function sampleRows(size: number, fraction: number, random: () => number): Uint32Array {
  if (fraction >= 1) return Uint32Array.from({ length: size }, (_, i) => i);
  const rows: number[] = [];
  for (let i = 0; i < size; i++) if (random() < fraction) rows.push(i);
  return Uint32Array.from(rows);
}

/** Gradient-boosted regression trees on the loss's gradients and hessians (Newton boosting, as XGBoost does). */
export function trainGradientBoosting(data: Dataset, params: BoostingParams): BoostedTrees {
  const features = data.columns.map((column) => binFeature(column, params.maxBins));
  const baseScore = initialScore(params.loss, data.target);
  const raw = new Float64Array(data.size).fill(baseScore);
  const grad = new Float64Array(data.size);
  const hess = new Float64Array(data.size);
  const random = seededRandom(params.seed);
  const trees: RegressionTree[] = [];
  const row = new Float32Array(data.columns.length);
  for (let t = 0; t < params.trees; t++) {
    for (let i = 0; i < data.size; i++) {
      const { g, h } = lossDerivatives(params.loss, raw[i]!, data.target[i]!);
      grad[i] = g;
      hess[i] = h;
    }
    const tree = fitRegressionTree(features, grad, hess, sampleRows(data.size, params.subsample, random.uniform), {
      ...params,
      shrinkage: params.learningRate,
    });
    trees.push(tree);
    for (let i = 0; i < data.size; i++) {
      for (let f = 0; f < row.length; f++) row[f] = data.columns[f]![i]!;
      raw[i]! += predictTree(tree, row);
    }
  }
  return { loss: params.loss, featureNames: data.featureNames, baseScore, trees };
}

/** The raw score (log-odds for the logistic loss). Inputs are read as float32, as the ONNX model reads them. */
export function predictRaw(model: BoostedTrees, row: ArrayLike<number>): number {
  const input = Float32Array.from(row);
  let sum = model.baseScore;
  for (const tree of model.trees) sum += predictTree(tree, input);
  return sum;
}

/** The fraud probability (logistic loss) or the predicted value (squared loss). */
export function predictBoosted(model: BoostedTrees, row: ArrayLike<number>): number {
  const raw = predictRaw(model, row);
  return model.loss === "logistic" ? sigmoid(raw) : raw;
}
