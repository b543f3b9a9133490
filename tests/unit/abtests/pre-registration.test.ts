import { describe, expect, it } from "vitest";
import { createAbTestInput, defaultGuardrails } from "@/contracts/abtests";
import { PlanError, planTest, type PlanInput } from "@/server/services/abtests/pre-registration";
import { sampleSizeForMeans, sampleSizeForProportions } from "@/server/services/abtests/statistics/sample-size";

const NOW = new Date("2026-12-03T12:00:00Z");
const plan = (overrides: Partial<PlanInput> = {}): PlanInput => ({
  primaryMetric: "precision",
  mde: 0.05,
  alpha: 0.05,
  power: 0.8,
  baseline: 0.8,
  baselineSource: "entered",
  baselineUnits: 0,
  ...overrides,
});
const arms = (champion: number, ...challengers: number[]) => [
  { variantName: "champion", weight: champion, champion: true },
  ...challengers.map((weight, i) => ({ variantName: `challenger-${i + 1}`, weight, champion: false })),
];

describe("pre-registration plan", () => {
  it("asks the mSPRT design's sample of each arm and the days it takes at the measured traffic", () => {
    const result = planTest(plan(), arms(50, 50), 1_000, NOW);
    const size = sampleSizeForProportions(0.8, 0.05, { design: "msprt" });
    expect(result.requiredPerArm).toEqual({ champion: size.control, "challenger-1": size.treatment });
    expect(result.expectedDays).toBeCloseTo(Math.round((Math.max(size.control, size.treatment) / 500) * 10) / 10, 6);
    expect(result).toMatchObject({
      design: "msprt",
      comparisonAlpha: 0.05,
      unitsPerDay: 1_000,
      writtenAt: NOW.toISOString(),
    });
  });

  it("gives the champion the largest sample any comparison needs, with unequal weights", () => {
    const result = planTest(plan(), arms(60, 30, 10), 1_000, NOW);
    // Two challengers: each comparison at α / 2.
    expect(result.comparisonAlpha).toBe(0.025);
    const toHalf = sampleSizeForProportions(0.8, 0.05, { design: "msprt", ratio: 30 / 60, alpha: 0.025 });
    const toSixth = sampleSizeForProportions(0.8, 0.05, { design: "msprt", ratio: 10 / 60, alpha: 0.025 });
    expect(result.requiredPerArm.champion).toBe(Math.max(toHalf.control, toSixth.control));
    expect(result.requiredPerArm["challenger-2"]).toBe(toSixth.treatment);
    // The 10 % arm is the slowest: its days set the test's duration.
    expect(result.expectedDays).toBeCloseTo(
      Math.round(Math.max(toSixth.control / 600, toSixth.treatment / 100) * 10) / 10,
      6,
    );
  });

  it("plans a lower-is-better rate at baseline − MDE and a mean metric from the standard deviation", () => {
    const errors = planTest(plan({ primaryMetric: "error_rate", baseline: 0.02, mde: 0.01 }), arms(50, 50), 0, NOW);
    expect(errors.requiredPerArm["challenger-1"]).toBe(
      sampleSizeForProportions(0.02, -0.01, { design: "msprt" }).treatment,
    );
    expect(errors.expectedDays).toBeNull();
    const minutes = planTest(plan({ primaryMetric: "absolute_error", baseline: 6, mde: 0.5 }), arms(50, 50), 10, NOW);
    expect(minutes.requiredPerArm.champion).toBe(sampleSizeForMeans(6, 0.5, { design: "msprt" }).control);
  });

  it("refuses an effect that takes the rate out of (0, 1)", () => {
    expect(() => planTest(plan({ baseline: 0.97, mde: 0.05 }), arms(50, 50), 10, NOW)).toThrow(PlanError);
    expect(() =>
      planTest(plan({ primaryMetric: "error_rate", baseline: 0.01, mde: 0.02 }), arms(50, 50), 10, NOW),
    ).toThrow(/smaller MDE/);
  });
});

describe("set-up input", () => {
  const valid = {
    endpointName: "fraud-staging",
    name: "gbt vs lr",
    championWeight: 50,
    challengers: [{ version: 2, weight: 50 }],
    preRegistration: { primaryMetric: "precision", mde: 0.05 },
  };
  const messages = (input: unknown) => {
    const result = createAbTestInput.safeParse(input);
    return result.success ? [] : result.error.issues.map((issue) => issue.message);
  };

  it("accepts a complete set-up with defaults for α, power, assignment and guardrails", () => {
    const parsed = createAbTestInput.parse(valid);
    expect(parsed).toMatchObject({ assignment: "REQUEST", secondary: [] });
    expect(defaultGuardrails("precision")).toEqual(["error_rate", "latency_p99"]);
    expect(defaultGuardrails("error_rate")).toEqual(["latency_p99"]);
    expect(parsed.preRegistration).toMatchObject({ alpha: 0.05, power: 0.8 });
  });

  it("names each mistake", () => {
    expect(messages({ ...valid, championWeight: 40 })).toEqual(["Traffic must sum to 100 % (it sums to 90)"]);
    expect(
      messages({
        ...valid,
        championWeight: 20,
        challengers: [
          { version: 2, weight: 40 },
          { version: 2, weight: 40 },
        ],
      }),
    ).toEqual(["A version can be one challenger only"]);
    expect(messages({ ...valid, preRegistration: { primaryMetric: "score_shift", mde: 0.1 } })[0]).toMatch(
      /cannot be a primary metric/,
    );
    expect(messages({ ...valid, preRegistration: { ...valid.preRegistration, baseline: 1.5 } })).toEqual([
      "A baseline rate is below 1",
    ]);
    expect(messages({ ...valid, guardrails: ["precision"] })).toEqual(["Each metric can have one role only"]);
    expect(messages({ ...valid, preRegistration: { ...valid.preRegistration, alpha: 0.5 } })).toHaveLength(1);
  });
});
