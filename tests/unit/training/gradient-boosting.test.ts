import { describe, expect, it } from "vitest";
import { binEdges, binFeature, binIndex } from "@/training/binning";
import { createDataset } from "@/training/dataset";
import { meanAbsoluteError, rocAuc } from "@/training/evaluation";
import { lossDerivatives, predictBoosted, trainGradientBoosting } from "@/training/gradient-boosting";
import { solveLinearSystem } from "@/training/logistic-regression";
import { seededRandom } from "@/training/random";
import { fitRegressionTree, leafValue, predictTree, splitGain } from "@/training/regression-tree";

describe("binning", () => {
  it("uses every distinct value but the largest as an edge when there are few", () => {
    expect(Array.from(binEdges(Float32Array.from([3, 1, 2, 2, 3]), 64))).toEqual([1, 2]);
  });

  it("uses quantiles when there are many values, and bins agree with `x <= edge`", () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => i * 0.37);
    const { edges, bins } = binFeature(values, 16);
    expect(edges.length).toBeLessThanOrEqual(15);
    values.forEach((x, i) => {
      const b = bins[i]!;
      if (b < edges.length) expect(x).toBeLessThanOrEqual(edges[b]!);
      if (b > 0) expect(x).toBeGreaterThan(edges[b - 1]!);
    });
    expect(binIndex(edges, 1e9)).toBe(edges.length);
  });
});

describe("tree pieces", () => {
  it("computes the Newton leaf value and the second-order split gain", () => {
    expect(leafValue(-4, 3, 1)).toBe(1);
    // Splitting G = 0 into (-2, +2) with H = (1, 1), lambda 0: 4 + 4 - 0.
    expect(splitGain(-2, 1, 2, 1, 0)).toBe(8);
    expect(splitGain(1, 1, 1, 1, 0)).toBeCloseTo(0);
  });

  it("gives the logistic and squared loss derivatives", () => {
    expect(lossDerivatives("logistic", 0, 1)).toEqual({ g: -0.5, h: 0.25 });
    expect(lossDerivatives("squared", 3, 1)).toEqual({ g: 2, h: 1 });
  });

  it("finds a step function with one split", () => {
    const x = Float32Array.from({ length: 100 }, (_, i) => i);
    const target = Array.from(x, (v) => (v < 40 ? 1 : 5));
    const grad = Float64Array.from(target, (y) => -y);
    const tree = fitRegressionTree([binFeature(x, 128)], grad, new Float64Array(100).fill(1), Uint32Array.from(x), {
      maxDepth: 3,
      lambda: 0,
      minSamplesLeaf: 1,
      minHessianLeaf: 0,
      shrinkage: 1,
    });
    expect(tree.nodes[0]).toMatchObject({ kind: "split", feature: 0, threshold: 39 });
    expect(predictTree(tree, [10])).toBe(1);
    expect(predictTree(tree, [80])).toBe(5);
  });
});

describe("gradient boosting", () => {
  const random = seededRandom(3);
  const data = createDataset("xor", ["a", "b"], "y", 4000);
  for (let i = 0; i < data.size; i++) {
    const a = random.uniform();
    const b = random.uniform();
    data.columns[0]![i] = a;
    data.columns[1]![i] = b;
    data.target[i] = random.bernoulli(a > 0.5 !== b > 0.5 ? 0.9 : 0.1);
  }
  const params = {
    trees: 30,
    learningRate: 0.3,
    maxDepth: 2,
    lambda: 1,
    minSamplesLeaf: 10,
    minHessianLeaf: 0.1,
    maxBins: 32,
    subsample: 1,
    seed: 1,
  };

  it("learns an interaction a linear model cannot (XOR), with the logistic loss", () => {
    const model = trainGradientBoosting(data, { ...params, loss: "logistic" });
    const scores = Array.from({ length: data.size }, (_, i) =>
      predictBoosted(model, [data.columns[0]![i]!, data.columns[1]![i]!]),
    );
    expect(rocAuc(scores, data.target)).toBeGreaterThan(0.85);
    expect(scores.every((p) => p > 0 && p < 1)).toBe(true);
  });

  it("fits a regression target with the squared loss", () => {
    const regression = {
      ...data,
      target: Float64Array.from(
        { length: data.size },
        (_, i) => 10 * data.columns[0]![i]! + (data.columns[1]![i]! > 0.5 ? 5 : 0),
      ),
    };
    const model = trainGradientBoosting(regression, { ...params, loss: "squared", trees: 60, maxDepth: 3 });
    const predictions = Array.from({ length: data.size }, (_, i) =>
      predictBoosted(model, [data.columns[0]![i]!, data.columns[1]![i]!]),
    );
    expect(meanAbsoluteError(predictions, regression.target)).toBeLessThan(0.5);
  });
});

describe("evaluation and linear algebra", () => {
  it("computes AUC with ties", () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc([0.5, 0.5], [0, 1])).toBe(0.5);
  });

  it("solves a linear system", () => {
    const x = solveLinearSystem(
      [
        [0, 2, 1],
        [1, 1, 1],
        [2, 1, 0],
      ],
      [5, 4, 4],
    );
    x.forEach((v, i) => expect(v).toBeCloseTo([1, 2, 1][i]!, 10));
  });
});
