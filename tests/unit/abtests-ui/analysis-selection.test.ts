import { describe, expect, it } from "vitest";
import { AB_VERDICTS } from "@/contracts/abtest-analysis";
import { armProgress } from "@/components/abtests/arm-progress";
import { intervalBarGeometry, intervalExtent } from "@/components/abtests/interval-bar-geometry";
import {
  chartableMetrics,
  intervalChartRows,
  intervalChartSummary,
  timeTick,
} from "@/components/abtests/interval-chart-data";
import { armName, VERDICT_WORDS, verdictHeadline } from "@/components/abtests/ab-verdict-wording";
import { analysis, comparison } from "@/tests/unit/abtests-ui/analysis-fixture";

const arms = [
  { variantName: "m-v1", version: 1, role: "CHAMPION" },
  { variantName: "m-v2", version: 2, role: "CHALLENGER" },
];

describe("interval bar geometry", () => {
  it("scales every interval of a metric to the largest distance from 0, with room at the ends", () => {
    expect(
      intervalExtent([
        { estimate: 0.02, lower: -0.01, upper: 0.05 },
        { estimate: null, lower: null, upper: null },
        { estimate: -0.03, lower: -0.04, upper: -0.02 },
      ]),
    ).toBeCloseTo(0.055, 12);
    expect(intervalExtent([{ estimate: null, lower: null, upper: null }])).toBeNull();
    expect(intervalExtent([{ estimate: 0, lower: 0, upper: 0 }])).toBeNull();
  });

  it("places 0 in the middle and the bounds and estimate around it, clamped to the bar", () => {
    expect(intervalBarGeometry({ estimate: 0.02, lower: -0.01, upper: 0.05 }, 0.1)).toEqual({
      zero: 50,
      left: 45,
      right: 75,
      estimate: 60,
    });
    expect(intervalBarGeometry({ estimate: -0.5, lower: -2, upper: 3 }, 1)).toEqual({
      zero: 50,
      left: 0,
      right: 100,
      estimate: 25,
    });
    expect(intervalBarGeometry({ estimate: 0.02, lower: null, upper: 0.05 }, 0.1)).toBeNull();
    expect(intervalBarGeometry({ estimate: 0.02, lower: 0.01, upper: 0.05 }, null)).toBeNull();
    expect(intervalBarGeometry({ estimate: null, lower: 0.01, upper: 0.05 }, 0.1)?.estimate).toBeNull();
  });
});

describe("verdict wording", () => {
  it("names every verdict and says what it means per challenger", () => {
    for (const kind of AB_VERDICTS) expect(VERDICT_WORDS[kind].label).not.toBe("");
    expect(verdictHeadline(arms, { variantName: "m-v2", verdict: "winner" })).toBe(
      "v2 is the winner: better than the champion on the primary metric.",
    );
    expect(verdictHeadline(arms, { variantName: "m-v2", verdict: "loser" })).toBe(
      "v2 is the loser: worse than the champion on the primary metric.",
    );
    expect(verdictHeadline(arms, { variantName: "m-v2", verdict: "harmful" })).toBe(
      "v2 is harmful: a guardrail metric is breached.",
    );
    expect(verdictHeadline(arms, { variantName: "m-v2", verdict: "frozen" })).toMatch(
      /^v2 is frozen by a sample-ratio mismatch: traffic is not split as configured/,
    );
    expect(verdictHeadline(arms, { variantName: "m-v2", verdict: "inconclusive" })).toBe(
      "v2 is inconclusive: no difference shown yet on the primary metric.",
    );
    expect(armName(arms, "gone-v9")).toBe("gone-v9");
  });
});

describe("interval chart data", () => {
  it("offers the metrics with an always-valid interval, the primary first, once each", () => {
    expect(
      chartableMetrics("accuracy", [
        { key: "error_rate" },
        { key: "cost_per_1k" },
        { key: "latency_p99" },
        { key: "score_shift" },
        { key: "accuracy" },
      ]),
    ).toEqual(["accuracy", "error_rate", "latency_p99"]);
  });

  const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 10, minute));
  const point = (minute: number, estimate: number | null, lower: number | null, upper: number | null) => ({
    at: at(minute),
    estimate,
    lower,
    upper,
    pValue: 0.5,
    controlUnits: 10,
    treatmentUnits: 10,
  });
  const series = [
    {
      metric: "accuracy" as const,
      variantName: "m-v2",
      points: [point(0, null, null, null), point(1, 0.02, -0.01, 0.05)],
    },
    {
      metric: "accuracy" as const,
      variantName: "m-v3",
      points: [point(1, -0.01, -0.03, 0.01), point(2, -0.02, -0.03, -0.01)],
    },
  ];

  it("merges the challengers' looks into one row per time, oldest first, bands only where both bounds exist", () => {
    expect(intervalChartRows(series)).toEqual([
      { at: at(0).getTime(), "m-v2": null, "m-v2:band": null },
      { at: at(1).getTime(), "m-v2": 0.02, "m-v2:band": [-0.01, 0.05], "m-v3": -0.01, "m-v3:band": [-0.03, 0.01] },
      { at: at(2).getTime(), "m-v3": -0.02, "m-v3:band": [-0.03, -0.01] },
    ]);
    expect(intervalChartRows([...series].reverse()).map((r) => r.at)).toEqual([0, 1, 2].map((m) => at(m).getTime()));
  });

  it("says the chart in words: each challenger's latest difference and interval", () => {
    const name = (variantName: string) => variantName.replace("m-", "");
    expect(intervalChartSummary("accuracy", series, name)).toBe(
      "Accuracy, challenger minus champion over time. v2: +2.00 pts (interval −1.00 pts to +5.00 pts) after 2 looks; v3: −2.00 pts (interval −3.00 pts to −1.00 pts) after 2 looks.",
    );
    expect(intervalChartSummary("accuracy", [{ ...series[0]!, points: [point(0, null, null, null)] }], name)).toBe(
      "Accuracy, challenger minus champion over time. v2: no estimate yet.",
    );
  });
});

describe("arm progress on the primary metric", () => {
  const plan = { "m-v1": 2400, "m-v2": 1000 };

  it("counts the champion's control units and each challenger's own treatment units against the plan", () => {
    expect(armProgress(analysis(), plan, { variantName: "m-v1", role: "CHAMPION" })).toEqual({
      units: 1200,
      required: 2400,
      fraction: 0.5,
    });
    // 1,180 of 1,000: the plan is met, the bar stays full.
    expect(armProgress(analysis(), plan, { variantName: "m-v2", role: "CHALLENGER" })).toEqual({
      units: 1180,
      required: 1000,
      fraction: 1,
    });
  });

  it("has no units without a primary comparison, and no fraction without a planned sample", () => {
    const guardrailOnly = analysis({ comparisons: [comparison({ role: "GUARDRAIL", metric: "error_rate" })] });
    expect(armProgress(guardrailOnly, plan, { variantName: "m-v2", role: "CHALLENGER" })).toEqual({
      units: null,
      required: 1000,
      fraction: null,
    });
    expect(armProgress(analysis(), {}, { variantName: "m-v2", role: "CHALLENGER" })).toEqual({
      units: 1180,
      required: null,
      fraction: null,
    });
  });
});

describe("time ticks", () => {
  // Noon UTC: the same calendar day in any time zone the tests may run in.
  const noon = Date.UTC(2026, 11, 3, 12, 0);
  const HOUR = 3_600_000;

  it("shows the time of day within a day, day and time within a week, the day beyond", () => {
    expect(timeTick(noon, 6 * HOUR)).toMatch(/^\d\d:\d\d$/);
    expect(timeTick(noon, 3 * 24 * HOUR)).toMatch(/^Dec 3, \d\d:\d\d$/);
    expect(timeTick(noon, 30 * 24 * HOUR)).toBe("Dec 3");
  });
});
