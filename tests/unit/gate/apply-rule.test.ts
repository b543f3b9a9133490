import { describe, expect, it } from "vitest";
import { gateRuleSchema } from "@/contracts/golden-sets";
import { applyGateRule, judgeCriterion } from "@/server/services/quality/gate/apply-rule";
import type { GoldenOutcomes } from "@/server/services/quality/gate/golden-metrics";

const criterion = (input: Record<string, unknown>) => gateRuleSchema.parse({ criteria: [input] }).criteria[0]!;

describe("gate rule verdicts", () => {
  it("non-inferiority: the lower bound of Δ must stay above −margin for higher-is-better metrics", () => {
    const f1 = criterion({ metric: "f1", class: "1", margin: 0.02 });
    const pass = judgeCriterion(f1, 0.8, { value: 0.81, interval: { lower: -0.019, upper: 0.01, resamplesUsed: 10 } });
    expect(pass).toMatchObject({ verdict: "PASS", delta: -0.01, tooSmall: false });
    const fail = judgeCriterion(f1, 0.8, { value: 0.81, interval: { lower: -0.021, upper: 0.01, resamplesUsed: 10 } });
    expect(fail.verdict).toBe("FAIL");
    expect(fail.reasons.join()).toContain("lower bound");
  });

  it("flips the sign for error metrics: the upper bound of Δ must stay below +margin", () => {
    const mae = criterion({ metric: "mae", margin: 0.5 });
    expect(
      judgeCriterion(mae, 3, { value: 3.2, interval: { lower: -0.6, upper: 0.4, resamplesUsed: 9 } }).verdict,
    ).toBe("PASS");
    const worse = judgeCriterion(mae, 3.4, { value: 3, interval: { lower: 0.1, upper: 0.7, resamplesUsed: 9 } });
    expect(worse).toMatchObject({ verdict: "FAIL", higherIsBetter: false });
  });

  it("applies floors and ceilings to the candidate's value, with or without a champion", () => {
    const floor = criterion({ metric: "accuracy", bound: 0.9 });
    expect(judgeCriterion(floor, 0.89, null).verdict).toBe("FAIL");
    expect(judgeCriterion(floor, 0.9, null).verdict).toBe("PASS");
    const ceiling = criterion({ metric: "rmse", bound: 10 });
    expect(judgeCriterion(ceiling, 10.5, null).reasons.join()).toContain("above the ceiling");
  });

  it("fails what cannot be computed and flags intervals wider than the margin", () => {
    const recall = criterion({ metric: "recall", class: "1", margin: 0.01 });
    expect(judgeCriterion(recall, null, null).verdict).toBe("FAIL");
    expect(judgeCriterion(recall, 0.7, { value: 0.7, interval: null }).verdict).toBe("FAIL");
    const wide = judgeCriterion(recall, 0.7, { value: 0.7, interval: { lower: -0.005, upper: 0.1, resamplesUsed: 9 } });
    expect(wide).toMatchObject({ verdict: "PASS", tooSmall: true });
    // Without a champion a margin-only criterion has nothing to compare and passes, and the evaluation says so.
    expect(judgeCriterion(recall, 0.7, null).verdict).toBe("PASS");
  });

  it("refuses rules that mix per-class and overall metrics wrongly", () => {
    expect(() => criterion({ metric: "f1", margin: 0.1 })).toThrow();
    expect(() => criterion({ metric: "accuracy", class: "1", margin: 0.1 })).toThrow();
    expect(() => criterion({ metric: "mae" })).toThrow();
  });

  it("passes a clearly better candidate and blocks a clearly worse one end to end", () => {
    const n = 400;
    const expected = Int32Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const good = Int32Array.from(expected);
    const bad = Int32Array.from(expected, (e, i) => (i % 5 === 0 ? 1 - e : e));
    const outcomes: GoldenOutcomes = { kind: "classification", classes: ["0", "1"], expected };
    const rule = gateRuleSchema.parse({
      criteria: [
        { metric: "f1", class: "1", margin: 0.02 },
        { metric: "accuracy", bound: 0.7 },
      ],
    });
    const better = applyGateRule(rule, outcomes, good, bad, 1);
    expect(better.passed).toBe(true);
    const worse = applyGateRule(rule, outcomes, bad, good, 1);
    expect(worse.passed).toBe(false);
    expect(worse.metrics[0]).toMatchObject({ verdict: "FAIL", candidate: expect.any(Number), champion: 1 });
    const alone = applyGateRule(rule, outcomes, bad, null, 1);
    expect(alone.passed).toBe(true);
    expect(alone.warnings.join()).toContain("No production version");
  });
});
