import type { Dataset } from "@/training/dataset";
import { sigmoid } from "@/training/gradient-boosting";

/** A logistic regression on standardised features: p = sigmoid(bias + Σ w·(x − mean)·scale). */
export type LogisticRegression = {
  featureNames: string[];
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
};

/** Solves A·x = b by Gaussian elimination with partial pivoting (A is small: features + 1 square). */
export function solveLinearSystem(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    if (Math.abs(p) < 1e-12) throw new Error("The system is singular");
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = m[r]![col]! / p;
      for (let c = col; c <= n; c++) m[r]![c]! -= factor * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

function standardisation(data: Dataset) {
  const mean = data.columns.map((column) => column.reduce((s, v) => s + v, 0) / data.size);
  const scale = data.columns.map((column, f) => {
    const variance = column.reduce((s, v) => s + (v - mean[f]!) ** 2, 0) / data.size;
    return variance > 0 ? 1 / Math.sqrt(variance) : 1;
  });
  return { mean, scale };
}

/** Fits by Newton's method (iteratively reweighted least squares) with a small L2 penalty on the weights. */
export function trainLogisticRegression(
  data: Dataset,
  options: { l2: number; iterations: number },
): LogisticRegression {
  const { mean, scale } = standardisation(data);
  const k = data.columns.length + 1;
  const x = (i: number, f: number) => (f === 0 ? 1 : (data.columns[f - 1]![i]! - mean[f - 1]!) * scale[f - 1]!);
  let beta = new Array<number>(k).fill(0);
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    const gradient = new Array<number>(k).fill(0);
    const hessian = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const xi = new Array<number>(k);
    for (let i = 0; i < data.size; i++) {
      let z = 0;
      for (let f = 0; f < k; f++) z += beta[f]! * (xi[f] = x(i, f));
      const p = sigmoid(z);
      const w = p * (1 - p);
      for (let a = 0; a < k; a++) {
        gradient[a]! += (p - data.target[i]!) * xi[a]!;
        for (let b = 0; b <= a; b++) hessian[a]![b]! += w * xi[a]! * xi[b]!;
      }
    }
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < a; b++) hessian[b]![a] = hessian[a]![b]!;
      if (a > 0) {
        hessian[a]![a]! += options.l2;
        gradient[a]! += options.l2 * beta[a]!;
      }
    }
    const step = solveLinearSystem(hessian, gradient);
    beta = beta.map((value, f) => value - step[f]!);
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  return {
    featureNames: data.featureNames,
    mean: mean.map(Math.fround),
    scale: scale.map(Math.fround),
    weights: beta.slice(1).map(Math.fround),
    bias: Math.fround(beta[0]!),
  };
}

/** The log-odds. */
export function logisticScore(model: LogisticRegression, row: ArrayLike<number>): number {
  let z = model.bias;
  for (let f = 0; f < model.weights.length; f++)
    z += model.weights[f]! * (Math.fround(row[f]!) - model.mean[f]!) * model.scale[f]!;
  return z;
}

export function predictLogistic(model: LogisticRegression, row: ArrayLike<number>): number {
  return sigmoid(logisticScore(model, row));
}
