import type { GateRule } from "@/contracts/golden-sets";
import type { ServiceContext } from "@/server/services/context";
import { uploadGoldenSet } from "@/server/services/labels/golden-sets";
import { setGateRule } from "@/server/services/quality/gate/gate-rules";
import type { BuiltModel } from "@/training/catalog";
import { rowOf } from "@/training/dataset";

/**
 * The demo's golden sets and gate rules for the two models that serve real ONNX models. The golden rows are real
 * labelled rows: the first rows of the held-out test part of the deterministic synthetic dataset the models were
 * trained on (training/catalog.ts: the first 80% train, the rest is held out), with the outcome the generator
 * recorded for them. They are uploaded as a CSV through the same service as the UI's upload, so they are validated
 * against the signature, hash-frozen and checked for training overlap like any upload. Name, file name and
 * description say DEMO and how the rows were made.
 */
const GOLDEN_SETS = [
  {
    built: "fraud-gbt",
    modelName: "fraud-detector-xgb",
    rows: 1500,
    expected: (target: number) => (target >= 0.5 ? "fraud" : "legit"),
    /** Non-inferiority on accuracy and on the legit class's recall (false alarms), with absolute floors. */
    rule: {
      confidenceLevel: 0.95,
      resamples: 2000,
      goldenSetName: "demo-holdout",
      criteria: [
        { metric: "accuracy", class: null, margin: 0.01, bound: 0.95 },
        { metric: "recall", class: "legit", margin: 0.01, bound: 0.95 },
      ],
    },
  },
  {
    built: "delivery-time-gbt",
    modelName: "delivery-time-estimator",
    rows: 1000,
    expected: (target: number) => String(target),
    /** MAE may not get worse by more than half a minute, and stays under 4 minutes. */
    rule: {
      confidenceLevel: 0.95,
      resamples: 2000,
      goldenSetName: "demo-holdout",
      criteria: [{ metric: "mae", class: null, margin: 0.5, bound: 4 }],
    },
  },
] as const satisfies readonly {
  built: string;
  modelName: string;
  rows: number;
  expected: (target: number) => string;
  rule: GateRule;
}[];

function goldenCsv(model: BuiltModel, rows: number, expected: (target: number) => string) {
  const test = model.test;
  const lines = [[...test.featureNames, "expected"].join(",")];
  for (let i = 0; i < Math.min(rows, test.size); i++)
    lines.push([...rowOf(test, i), expected(test.target[i]!)].join(","));
  return lines.join("\n") + "\n";
}

/**
 * Uploads each model's golden set and sets its gate rule, as its team's data scientist. Run after the seed's own
 * production promotions were approved, so only later production promotions meet the gate.
 */
export async function seedGoldenSets(scientists: Record<string, ServiceContext>, models: readonly BuiltModel[]) {
  for (const set of GOLDEN_SETS) {
    const built = models.find((m) => m.name === set.built);
    const scientist = scientists[set.modelName];
    if (!built || !scientist) throw new Error(`The demo golden set of ${set.modelName} needs ${set.built}`);
    const rows = Math.min(set.rows, built.test.size);
    await uploadGoldenSet(scientist, {
      modelName: set.modelName,
      name: "demo-holdout",
      fileName: `DEMO ${built.test.name} held-out rows 1-${rows}.csv`,
      description:
        `DEMO golden set: the first ${rows} held-out rows of the synthetic ${built.test.name} dataset ` +
        `(training/catalog.ts; never used for training) with the outcome its generator recorded. Not reviewed by people.`,
      content: goldenCsv(built, rows, set.expected),
    });
    await setGateRule(scientist, { modelName: set.modelName, rule: set.rule });
  }
}
