import { describe, expect, it } from "vitest";
import { proportionArm } from "@/server/services/abtests/statistics/arms";
import { benjaminiHochberg } from "@/server/services/abtests/statistics/benjamini-hochberg";
import { mixingVarianceForHorizon, msprtLook } from "@/server/services/abtests/statistics/msprt";
import { fixedHorizonZTest } from "@/server/services/abtests/statistics/z-test";
import { evaluateAnalysis } from "@/server/services/abtests/analysis/evaluate";
import { lookKey } from "@/server/services/abtests/analysis/types";
import { abAnalysisSchema } from "@/contracts/abtest-analysis";
import { AT, CHALLENGER, CHAMPION, arms, input, plan, rates } from "@/tests/unit/abtests/analysis/builders";

/** Assignment counts of a 50/50 test. */
const split = (champion: number, challenger: number) => ({
  ok: true as const,
  since: new Date("2026-12-01T12:00:00Z"),
  counts: [
    { variantName: CHAMPION, weight: 50, observed: champion },
    { variantName: CHALLENGER, weight: 50, observed: challenger },
  ],
});

const primaryOf = (result: ReturnType<typeof evaluateAnalysis>) =>
  result.analysis.comparisons.find((c) => c.role === "PRIMARY")!;

describe("the primary metric's mSPRT", () => {
  it("mixes over the τ² tuned to the pre-registered horizon, with the plan's variances", () => {
    const result = evaluateAnalysis(input());
    const primary = primaryOf(result);
    // The plan: baseline 0.8, MDE 0.05 (higher is better), 1500 units per arm.
    const tau2 = mixingVarianceForHorizon((0.8 * 0.2) / 1500 + (0.85 * 0.15) / 1500, 0.05);
    expect(primary.tau2).toBeCloseTo(tau2, 14);
    const expected = msprtLook(proportionArm(400, 500), proportionArm(410, 500), tau2, { alpha: 0.05 });
    expect(primary).toMatchObject({ estimate: expected.estimate, pValue: expected.pValue, rejected: false });
    expect(primary.lower).toBeCloseTo(expected.lower, 14);
    expect(primary.upper).toBeCloseTo(expected.upper, 14);
    expect(abAnalysisSchema.parse(result.analysis)).toEqual(result.analysis);
  });

  it("carries the running minimum p-value and intersects the interval with the previous look's", () => {
    const first = primaryOf(evaluateAnalysis(input({ readings: { accuracy: rates(400, 500, 460, 500) } })));
    expect(first.pValue).toBeLessThan(0.05);
    const previous = new Map([
      [lookKey("accuracy", CHALLENGER), { pValue: first.pValue, lower: first.lower!, upper: first.upper! }],
    ]);
    // The next look sees the difference shrink: its own 1/Λ is larger and its own interval is wider on one side.
    const weaker = rates(800, 1000, 830, 1000);
    const second = primaryOf(evaluateAnalysis(input({ readings: { accuracy: weaker }, previous })));
    const own = msprtLook(proportionArm(800, 1000), proportionArm(830, 1000), second.tau2!, { alpha: 0.05 });
    expect(own.pValue).toBeGreaterThan(first.pValue);
    expect(second.pValue).toBe(first.pValue);
    expect(second.rejected).toBe(true);
    expect(second.lower).toBe(Math.max(first.lower!, own.lower));
    expect(second.upper).toBe(Math.min(first.upper!, own.upper));
    expect(second.estimate).toBeCloseTo(0.03, 12);
  });

  it("a look without new data carries the state unchanged and says why", () => {
    const previous = new Map([[lookKey("accuracy", CHALLENGER), { pValue: 0.2, lower: -0.01, upper: 0.08 }]]);
    const none = evaluateAnalysis(input({ readings: { accuracy: { ok: true, arms: new Map() } }, previous }));
    expect(primaryOf(none)).toMatchObject({
      pValue: 0.2,
      lower: -0.01,
      upper: 0.08,
      estimate: null,
      note: "no outcomes yet",
    });
    const down = evaluateAnalysis(
      input({ readings: { accuracy: { ok: false, note: "Prometheus unreachable: refused" } }, previous }),
    );
    expect(primaryOf(down).note).toBe("Prometheus unreachable: refused");
    expect(none.looks.find((l) => l.metric === "accuracy")).toMatchObject({ pValue: 0.2, lower: -0.01, upper: 0.08 });
    // Every outcome alike in both arms: no variance, nothing learnt (and the interval must not collapse to a point).
    const flat = primaryOf(evaluateAnalysis(input({ readings: { accuracy: rates(50, 50, 50, 50) }, previous })));
    expect(flat).toMatchObject({ pValue: 0.2, lower: -0.01, upper: 0.08, note: "no variation in the outcomes yet" });
  });

  it("reports the fixed-horizon z-test only once both arms reached their planned units", () => {
    const early = primaryOf(evaluateAnalysis(input({ readings: { accuracy: rates(1199, 1499, 1300, 1600) } })));
    expect(early.fixedHorizon).toBeNull();
    const end = primaryOf(evaluateAnalysis(input({ readings: { accuracy: rates(1200, 1500, 1300, 1600) } })));
    expect(end.fixedHorizon).toEqual(fixedHorizonZTest(proportionArm(1200, 1500), proportionArm(1300, 1600), 0.05));
    const guardrail = evaluateAnalysis(input()).analysis.comparisons.find((c) => c.metric === "error_rate")!;
    expect(guardrail.fixedHorizon).toBeNull();
  });
});

describe("secondary metrics", () => {
  it("are adjusted together by Benjamini–Hochberg at the test's α", () => {
    const result = evaluateAnalysis(
      input({
        metrics: [
          { key: "accuracy", role: "PRIMARY" },
          { key: "precision", role: "SECONDARY" },
          { key: "recall", role: "SECONDARY" },
          { key: "error_rate", role: "SECONDARY" },
        ],
        readings: {
          accuracy: rates(400, 500, 410, 500),
          precision: rates(300, 500, 380, 500),
          recall: rates(700, 1000, 745, 1000),
          error_rate: rates(10, 5000, 11, 5000),
        },
      }),
    );
    const secondary = result.analysis.comparisons.filter((c) => c.role === "SECONDARY");
    const { adjusted } = benjaminiHochberg(
      secondary.map((c) => c.pValue),
      0.05,
    );
    expect(secondary.map((c) => c.adjustedPValue)).toEqual(adjusted);
    expect(secondary.map((c) => c.rejected)).toEqual(adjusted.map((q) => q <= 0.05));
    expect(secondary[0]!.rejected).toBe(true);
    expect(secondary[2]!.rejected).toBe(false);
    expect(primaryOf(result).adjustedPValue).toBeNull();
  });
});

describe("verdicts", () => {
  const winning = { accuracy: rates(400, 500, 470, 500), error_rate: rates(10, 5000, 11, 5000) };

  it("a clear improvement on the primary metric wins; a clear worsening loses; otherwise inconclusive", () => {
    const won = evaluateAnalysis(input({ readings: winning })).analysis.verdicts[0]!;
    expect(won).toMatchObject({ variantName: CHALLENGER, verdict: "winner" });
    expect(won.reason).toMatch(/Better on the primary metric\. Accuracy: \+14\.00 points/);
    const lost = evaluateAnalysis(input({ readings: { accuracy: rates(470, 500, 400, 500) } })).analysis.verdicts[0]!;
    expect(lost.verdict).toBe("loser");
    const open = evaluateAnalysis(input()).analysis.verdicts[0]!;
    expect(open.verdict).toBe("inconclusive");
    expect(open.reason).toMatch(/No significant difference yet.*500 of 1500 planned units/);
  });

  it("a sample-ratio mismatch freezes the verdict, whatever the metrics say", () => {
    const result = evaluateAnalysis(
      input({
        readings: winning,
        srm: split(5200, 4800),
      }),
    );
    expect(result.analysis.srm.mismatch).toBe(true);
    expect(result.analysis.srm.counts.map((c) => c.expected)).toEqual([5000, 5000]);
    expect(result.analysis.verdicts[0]).toMatchObject({ verdict: "frozen" });
    expect(result.analysis.verdicts[0]!.reason).toMatch(/Sample-ratio mismatch/);
    // 5080/4920 is within chance (p ≈ 0.11): no freeze.
    const fine = evaluateAnalysis(
      input({
        readings: winning,
        srm: split(5080, 4920),
      }),
    );
    expect(fine.analysis.verdicts[0]!.verdict).toBe("winner");
  });

  it("a would-be winner stays inconclusive while the sample ratio cannot be checked", () => {
    const result = evaluateAnalysis(
      input({ readings: winning, srm: { ok: false, since: AT, note: "Prometheus unreachable: refused" } }),
    );
    expect(result.analysis.srm).toMatchObject({
      mismatch: false,
      pValue: null,
      note: "Prometheus unreachable: refused",
    });
    expect(result.analysis.verdicts[0]!.verdict).toBe("inconclusive");
    expect(result.analysis.verdicts[0]!.reason).toMatch(/sample ratio could not be checked/);
  });
});

describe("harm on the guardrails", () => {
  it("flags a challenger whose error rate is higher beyond doubt, and makes it harmful even when it wins", () => {
    const result = evaluateAnalysis(
      input({ readings: { accuracy: rates(400, 500, 470, 500), error_rate: rates(10, 5000, 80, 5000) } }),
    );
    expect(result.analysis.harm).toHaveLength(1);
    expect(result.analysis.harm[0]).toMatchObject({ variantName: CHALLENGER, metric: "error_rate" });
    expect(result.analysis.harm[0]!.detail).toMatch(/1\.60 % against the champion's 0\.20 %/);
    expect(result.analysis.verdicts[0]!.verdict).toBe("harmful");
  });

  it("does not flag an error rate that is higher only by chance, nor one that is lower", () => {
    expect(evaluateAnalysis(input()).analysis.harm).toEqual([]);
    const lower = evaluateAnalysis(
      input({ readings: { accuracy: rates(400, 500, 410, 500), error_rate: rates(80, 5000, 10, 5000) } }),
    );
    expect(lower.analysis.harm).toEqual([]);
  });

  it("flags p99 over the endpoint's objective when clearly more than 1 % of requests are slower than it", () => {
    const slow = {
      ...arms(proportionArm(40, 5000), proportionArm(150, 5000)),
      threshold: { seconds: 0.1, source: "slo" },
    };
    const result = evaluateAnalysis(input({ readings: { accuracy: rates(400, 500, 410, 500), latency_p99: slow } }));
    expect(result.analysis.harm.map((h) => h.metric)).toEqual(["latency_p99"]);
    expect(result.analysis.harm[0]!.detail).toMatch(/3\.00 % of 5000 requests slower than 100 ms/);
    // 1.2 % slower than the objective on 5000 requests is within chance of 1 %.
    const borderline = {
      ...arms(proportionArm(40, 5000), proportionArm(60, 5000)),
      threshold: { seconds: 0.1, source: "slo" },
    };
    expect(
      evaluateAnalysis(input({ readings: { accuracy: rates(400, 500, 410, 500), latency_p99: borderline } })).analysis
        .harm,
    ).toEqual([]);
  });

  it("only checks metrics that are guardrails of the test", () => {
    const result = evaluateAnalysis(
      input({
        metrics: [
          { key: "accuracy", role: "PRIMARY" },
          { key: "error_rate", role: "SECONDARY" },
        ],
        readings: { accuracy: rates(400, 500, 410, 500), error_rate: rates(10, 5000, 80, 5000) },
      }),
    );
    expect(result.analysis.harm).toEqual([]);
  });
});

describe("look rows", () => {
  it("one per sequential metric and challenger, with units, values and the carried state", () => {
    const { looks, analysis } = evaluateAnalysis(input());
    expect(looks.map((l) => [l.metric, l.variantName])).toEqual([
      ["accuracy", CHALLENGER],
      ["error_rate", CHALLENGER],
      ["latency_p99", CHALLENGER],
    ]);
    expect(looks[0]).toMatchObject({ controlUnits: 500, treatmentUnits: 500, controlValue: 0.8, treatmentValue: 0.82 });
    expect(looks[0]!.pValue).toBe(analysis.comparisons[0]!.pValue);
    expect(plan.requiredPerArm[CHAMPION]).toBe(1500);
  });
});

describe("a mean metric that is not the primary", () => {
  const regressor = (previousTau2?: number) =>
    input({
      metrics: [
        { key: "error_rate", role: "PRIMARY" },
        { key: "absolute_error", role: "SECONDARY" },
      ],
      plan: { ...plan, primaryMetric: "error_rate", baseline: 0.01, mde: 0.005 },
      readings: {
        error_rate: rates(10, 5000, 11, 5000),
        absolute_error: arms({ n: 400, mean: 5, variance: 4 }, { n: 400, mean: 4.5, variance: 9 }),
      },
      frozenTau2: new Map(previousTau2 === undefined ? [] : [[lookKey("absolute_error", CHALLENGER), previousTau2]]),
    });

  it("mixes over its first look's variances at the planned units, then keeps that τ²", () => {
    const first = evaluateAnalysis(regressor()).analysis.comparisons.find((c) => c.metric === "absolute_error")!;
    expect(first.tau2).toBeCloseTo(mixingVarianceForHorizon(4 / 1500 + 9 / 1500), 14);
    expect(first.estimate).toBeCloseTo(-0.5, 12);
    const later = evaluateAnalysis(regressor(0.123)).analysis.comparisons.find((c) => c.metric === "absolute_error")!;
    expect(later.tau2).toBe(0.123);
    expect(later.tau2Source).toMatch(/frozen/);
    const expected = msprtLook({ n: 400, mean: 5, variance: 4 }, { n: 400, mean: 4.5, variance: 9 }, 0.123, {
      alpha: 0.05,
    });
    expect(later.pValue).toBe(expected.pValue);
  });
});
