import { describe, expect, it } from "vitest";
import { lossCurves, scoreCurve, type TrainingCurveSpec } from "@/prisma/seed/curves";
import { seededRandom } from "@/training/random";

const spec: TrainingCurveSpec = {
  steps: 200,
  finalScore: 0.93,
  initialScore: 0.5,
  timeConstant: 30,
  overfit: 0.2,
  noise: 0.004,
};

describe("demo training curves", () => {
  it("are deterministic for a seed", () => {
    expect(scoreCurve(spec, seededRandom(7))).toEqual(scoreCurve(spec, seededRandom(7)));
    expect(scoreCurve(spec, seededRandom(7))).not.toEqual(scoreCurve(spec, seededRandom(8)));
  });

  it("rise from the initial score and settle near the final one", () => {
    const curve = scoreCurve(spec, seededRandom(1));
    expect(curve).toHaveLength(200);
    expect(curve[0]?.value).toBeCloseTo(0.5, 1);
    const tail = curve.slice(-20).reduce((sum, p) => sum + p.value, 0) / 20;
    expect(tail).toBeCloseTo(0.93, 1);
  });

  it("make validation loss turn upwards when the run overfits, unlike training loss", () => {
    const { train, validation } = lossCurves(spec, seededRandom(3));
    const minIndex = validation.reduce((best, p, i) => (p.value < (validation[best]?.value ?? Infinity) ? i : best), 0);
    expect(minIndex).toBeLessThan(199);
    expect(validation[199]!.value).toBeGreaterThan(validation[minIndex]!.value);
    expect(train[199]!.value).toBeLessThan(train[0]!.value);
  });
});
