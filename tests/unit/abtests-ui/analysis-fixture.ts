import type { AbAnalysis, AbComparison } from "@/contracts/abtest-analysis";

/** A comparison of challenger `m-v2` with champion `m-v1`, overridable field by field. */
export function comparison(overrides: Partial<AbComparison> = {}): AbComparison {
  return {
    metric: "accuracy",
    role: "PRIMARY",
    variantName: "m-v2",
    control: { variantName: "m-v1", units: 1200, value: 0.8 },
    treatment: { variantName: "m-v2", units: 1180, value: 0.83 },
    estimate: 0.03,
    pValue: 0.004,
    lower: 0.01,
    upper: 0.05,
    alpha: 0.05,
    rejected: true,
    tau2: 0.0004,
    tau2Source: "pre-registered horizon",
    adjustedPValue: null,
    fixedHorizon: null,
    threshold: null,
    note: null,
    ...overrides,
  };
}

/** A look of a 50/50 test of `m-v2` against `m-v1`: the challenger wins on accuracy, SRM fine. */
export function analysis(overrides: Partial<AbAnalysis> = {}): AbAnalysis {
  return {
    at: "2026-12-03T10:00:00.000Z",
    window: { start: "2026-12-01T10:00:00.000Z", end: "2026-12-03T10:00:00.000Z" },
    labelDelay: { minutes: 60, outcomeCutoff: "2026-12-03T09:00:00.000Z" },
    arms: [
      {
        variantName: "m-v1",
        role: "CHAMPION",
        weight: 50,
        stoppedAt: null,
        predictions: 1500,
        waitingForOutcome: 300,
        waitingShare: 0.2,
      },
      {
        variantName: "m-v2",
        role: "CHALLENGER",
        weight: 50,
        stoppedAt: null,
        predictions: 1480,
        waitingForOutcome: 296,
        waitingShare: 0.2,
      },
    ],
    comparisons: [comparison()],
    quantiles: [],
    costs: [],
    scoreShift: [],
    srm: {
      since: "2026-12-01T10:00:00.000Z",
      counts: [
        { variantName: "m-v1", weight: 50, observed: 1500, expected: 1490 },
        { variantName: "m-v2", weight: 50, observed: 1480, expected: 1490 },
      ],
      statistic: 0.134,
      pValue: 0.714,
      mismatch: false,
      note: null,
    },
    harm: [],
    verdicts: [{ variantName: "m-v2", verdict: "winner", reason: "Better on the primary metric." }],
    shadow: [],
    unavailable: [],
    ...overrides,
  };
}
