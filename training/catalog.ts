import type { Signature } from "@/contracts/signature";
import { rowOf, splitDataset, type Dataset } from "@/training/dataset";
import { generateDeliveries } from "@/training/delivery-data";
import { mean, meanAbsoluteError, rocAuc } from "@/training/evaluation";
import { generateFraudTransactions } from "@/training/fraud-data";
import { predictBoosted, predictRaw, trainGradientBoosting, type BoostingParams } from "@/training/gradient-boosting";
import { logisticScore, predictLogistic, trainLogisticRegression } from "@/training/logistic-regression";
import { exportBoostedTrees, exportLogisticRegression } from "@/training/onnx-export";

export type BuiltModel = {
  name: string;
  description: string;
  taskType: "CLASSIFICATION" | "REGRESSION";
  algorithm: string;
  onnx: Uint8Array;
  signature: Signature;
  outputName: string;
  /** The TypeScript model's own prediction for a row of feature values (in `featureNames` order). */
  predict: (row: ArrayLike<number>) => number;
  /** The same prediction before any link: log-odds for classifiers, the value itself for regressors. */
  predictRaw: (row: ArrayLike<number>) => number;
  /** Held-out quality: `auc` for classifiers; `mae` and the predict-the-mean `baselineMae` for regressors. */
  metrics: Record<string, number>;
  train: Dataset;
  test: Dataset;
};

export const MODEL_SIZES = { fraudRows: 25_000, deliveryRows: 12_000, trainFraction: 0.8 };

const FRAUD_GBT: BoostingParams = {
  loss: "logistic",
  trees: 120,
  learningRate: 0.1,
  maxDepth: 4,
  lambda: 1,
  minSamplesLeaf: 20,
  minHessianLeaf: 0.5,
  maxBins: 64,
  subsample: 0.8,
  seed: 7,
};

const DELIVERY_GBT: BoostingParams = { ...FRAUD_GBT, loss: "squared", trees: 150, minHessianLeaf: 1, seed: 11 };

export function signatureFor(featureNames: string[], outputName: string): Signature {
  return {
    inputs: featureNames.map((name) => ({ name, type: "float32", shape: [-1, 1] })),
    outputs: [{ name: outputName, type: "float32", shape: [-1, 1] }],
  };
}

function scoreTest(test: Dataset, predict: (row: number[]) => number): Float64Array {
  return Float64Array.from({ length: test.size }, (_, i) => predict(rowOf(test, i)));
}

function classifier(
  base: Omit<BuiltModel, "metrics" | "signature" | "outputName" | "taskType" | "predict" | "predictRaw" | "onnx">,
  predict: (row: ArrayLike<number>) => number,
  predictRaw: (row: ArrayLike<number>) => number,
  exportOnnx: (outputName: string) => Uint8Array,
): BuiltModel {
  const outputName = "probability";
  return {
    ...base,
    taskType: "CLASSIFICATION",
    outputName,
    predict,
    predictRaw,
    onnx: exportOnnx(outputName),
    signature: signatureFor(base.train.featureNames, outputName),
    metrics: {
      auc: rocAuc(scoreTest(base.test, predict), base.test.target),
      fraudRate: mean(base.train.target),
    },
  };
}

/** Generates the synthetic datasets and trains, evaluates and exports every demo model. Deterministic. */
export function buildModelCatalog(): BuiltModel[] {
  const fraud = splitDataset(generateFraudTransactions(MODEL_SIZES.fraudRows), MODEL_SIZES.trainFraction);
  const deliveries = splitDataset(generateDeliveries(MODEL_SIZES.deliveryRows), MODEL_SIZES.trainFraction);

  const gbt = trainGradientBoosting(fraud.train, FRAUD_GBT);
  const fraudGbt = classifier(
    {
      name: "fraud-gbt",
      description: `Card-fraud classifier: ${FRAUD_GBT.trees} gradient-boosted trees (depth ${FRAUD_GBT.maxDepth}) on synthetic transactions.`,
      algorithm: "gradient-boosted trees (logistic loss), ai.onnx.ml TreeEnsembleRegressor + Sigmoid",
      ...fraud,
    },
    (row) => predictBoosted(gbt, row),
    (row) => predictRaw(gbt, row),
    (output) => exportBoostedTrees(gbt, output, "Modelport fraud-gbt"),
  );

  const logistic = trainLogisticRegression(fraud.train, { l2: 1, iterations: 25 });
  const fraudLogistic = classifier(
    {
      name: "fraud-logreg",
      description: "Card-fraud logistic regression on standardised features (the linear baseline for fraud-gbt).",
      algorithm: "logistic regression (Newton / IRLS), Sub + Mul + MatMul + Add + Sigmoid",
      ...fraud,
    },
    (row) => predictLogistic(logistic, row),
    (row) => logisticScore(logistic, row),
    (output) => exportLogisticRegression(logistic, output, "Modelport fraud-logreg"),
  );

  const delivery = trainGradientBoosting(deliveries.train, DELIVERY_GBT);
  const deliveryPredict = (row: ArrayLike<number>) => predictBoosted(delivery, row);
  const trainMean = mean(deliveries.train.target);
  const deliveryModel: BuiltModel = {
    name: "delivery-time-gbt",
    description: `Delivery-time regressor (minutes): ${DELIVERY_GBT.trees} gradient-boosted trees on synthetic meal orders.`,
    taskType: "REGRESSION",
    algorithm: "gradient-boosted trees (squared loss), ai.onnx.ml TreeEnsembleRegressor",
    outputName: "delivery_minutes",
    predict: deliveryPredict,
    predictRaw: (row) => predictRaw(delivery, row),
    onnx: exportBoostedTrees(delivery, "delivery_minutes", "Modelport delivery-time-gbt"),
    signature: signatureFor(deliveries.train.featureNames, "delivery_minutes"),
    metrics: {
      mae: meanAbsoluteError(scoreTest(deliveries.test, deliveryPredict), deliveries.test.target),
      baselineMae: meanAbsoluteError(new Float64Array(deliveries.test.size).fill(trainMean), deliveries.test.target),
    },
    ...deliveries,
  };

  return [fraudGbt, fraudLogistic, deliveryModel];
}
