import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { buildModelCatalog, type BuiltModel } from "@/training/catalog";
import { rowOf } from "@/training/dataset";

const HELD_OUT_ROWS = 500;
let catalog: BuiltModel[];

beforeAll(() => {
  catalog = buildModelCatalog();
}, 60_000);

const model = (name: string) => {
  const found = catalog.find((m) => m.name === name);
  if (!found) throw new Error(`No model ${name}`);
  return found;
};

/** Runs the exported ONNX model in onnxruntime on the first `rows` held-out rows. */
async function onnxPredictions(built: BuiltModel, rows: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(built.onnx);
  const feeds = Object.fromEntries(
    built.test.featureNames.map((name, f) => [
      name,
      new ort.Tensor("float32", built.test.columns[f]!.slice(0, rows), [rows, 1]),
    ]),
  );
  const result = await session.run(feeds);
  await session.release();
  return result[built.outputName]!.data as Float32Array;
}

describe.each(["fraud-gbt", "fraud-logreg", "delivery-time-gbt"])("%s exported to ONNX", (name) => {
  it("answers what the TypeScript model answers on held-out rows (within 1e-5, relative for large values)", async () => {
    const built = model(name);
    const fromOnnx = await onnxPredictions(built, HELD_OUT_ROWS);
    let worst = 0;
    for (let i = 0; i < HELD_OUT_ROWS; i++) {
      const expected = built.predict(rowOf(built.test, i));
      worst = Math.max(worst, Math.abs(fromOnnx[i]! - expected) / Math.max(1, Math.abs(expected)));
    }
    expect(worst).toBeLessThan(1e-5);
  });

  it("has one float32 [batch, 1] input per feature and the score output in its signature", () => {
    const built = model(name);
    expect(built.signature.inputs.map((input) => input.name)).toEqual(built.train.featureNames);
    expect(built.signature.inputs.every((input) => input.type === "float32")).toBe(true);
    expect(built.signature.outputs).toEqual([{ name: built.outputName, type: "float32", shape: [-1, 1] }]);
  });
});

describe("model quality on held-out data", () => {
  it("the fraud models separate fraud from legitimate transactions, the trees better than the linear model", () => {
    const gbt = model("fraud-gbt").metrics;
    const logistic = model("fraud-logreg").metrics;
    expect(gbt.fraudRate).toBeGreaterThan(0.02);
    expect(gbt.fraudRate).toBeLessThan(0.05);
    expect(gbt.auc).toBeGreaterThan(0.8);
    expect(logistic.auc).toBeGreaterThan(0.75);
    expect(gbt.auc).toBeGreaterThan(logistic.auc!);
  });

  it("the delivery model's error is well under the predict-the-mean baseline", () => {
    const { mae, baselineMae } = model("delivery-time-gbt").metrics;
    expect(mae).toBeLessThan(3.5);
    expect(mae! * 2).toBeLessThan(baselineMae!);
  });

  it("building is deterministic", () => {
    const again = buildModelCatalog();
    expect(again.map((m) => Buffer.from(m.onnx).toString("base64"))).toEqual(
      catalog.map((m) => Buffer.from(m.onnx).toString("base64")),
    );
  }, 60_000);
});
