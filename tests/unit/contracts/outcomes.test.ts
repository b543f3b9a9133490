import { describe, expect, it } from "vitest";
import { classesOf, outcomeClassesSchema, predictedOutcome } from "@/contracts/outcomes";
import { firstNumericOutput } from "@/contracts/prediction-capture";

const fraud = { kind: "classification", classes: ["legit", "fraud"], decisionThreshold: 0.7 } as const;

describe("what a prediction says", () => {
  it("maps a binary probability onto the classes at the threshold (at it counts as positive)", () => {
    expect(predictedOutcome(fraud, 0.69).label).toBe("legit");
    expect(predictedOutcome(fraud, 0.7).label).toBe("fraud");
    expect(predictedOutcome(fraud, 0.95)).toEqual({ label: "fraud", value: null, score: 0.95 });
  });

  it("takes a label output over the score when the model names a class, and nothing when it cannot tell", () => {
    expect(predictedOutcome(fraud, 0.1, "fraud").label).toBe("fraud");
    expect(predictedOutcome(fraud, null).label).toBeNull();
    const threeClasses = { kind: "classification", classes: ["a", "b", "c"], decisionThreshold: 0.5 } as const;
    expect(predictedOutcome(threeClasses, 0.9).label).toBeNull();
    expect(predictedOutcome(threeClasses, 0.9, "c").label).toBe("c");
  });

  it("gives a regressor's value", () => {
    expect(predictedOutcome({ kind: "regression" }, 31.5)).toEqual({ label: null, value: 31.5, score: 31.5 });
  });

  it("uses 0/1 for a classifier without named classes and refuses bad class lists", () => {
    expect(classesOf([])).toEqual(["0", "1"]);
    expect(classesOf(["no", "yes"])).toEqual(["no", "yes"]);
    expect(outcomeClassesSchema.safeParse(["x"]).success).toBe(false);
    expect(outcomeClassesSchema.safeParse(["x", "x"]).success).toBe(false);
  });

  it("reads the first numeric output, unwrapping one-element arrays", () => {
    expect(firstNumericOutput({ probability: [0.25] })).toBe(0.25);
    expect(firstNumericOutput({ delivery_minutes: 31 })).toBe(31);
    expect(firstNumericOutput({ label: "fraud", probability: 0.3 })).toBeUndefined();
    expect(firstNumericOutput({ probability: Number.NaN })).toBeUndefined();
    expect(firstNumericOutput({})).toBeUndefined();
  });
});
