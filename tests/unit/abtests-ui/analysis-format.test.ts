import { describe, expect, it } from "vitest";
import {
  bucketText,
  differenceDirection,
  formatArmValue,
  formatDifference,
  formatMinutes,
  formatPValue,
  formatSeconds,
  formatUsd,
  labelDelayText,
  srmText,
} from "@/components/abtests/ab-analysis-format";
import { analysis, comparison } from "@/tests/unit/abtests-ui/analysis-fixture";

describe("formatArmValue by metric kind", () => {
  it("shows rates as percentages, the absolute error in the model's units, latency as the share over the threshold", () => {
    expect(formatArmValue({ metric: "accuracy", threshold: null }, 0.83)).toBe("83.0 %");
    expect(formatArmValue({ metric: "error_rate", threshold: null }, 0.0012)).toBe("0.12 %");
    expect(formatArmValue({ metric: "error_rate", threshold: null }, 0)).toBe("0.0 %");
    expect(formatArmValue({ metric: "absolute_error", threshold: null }, 12.34567)).toBe("12.35 (model's units)");
    expect(formatArmValue({ metric: "latency_p99", threshold: { seconds: 0.25, source: "SLO" } }, 0.031)).toBe(
      "3.1 % of requests over 250 ms",
    );
    expect(formatArmValue({ metric: "accuracy", threshold: null }, null)).toBe("—");
  });
});

describe("formatDifference", () => {
  it("signs percentage points for rates and raw units for the absolute error, with a real minus", () => {
    expect(formatDifference("accuracy", 0.03)).toBe("+3.00 pts");
    expect(formatDifference("accuracy", -0.0123)).toBe("−1.23 pts");
    expect(formatDifference("accuracy", 0)).toBe("0.00 pts");
    expect(formatDifference("error_rate", 0.0004)).toBe("+0.040 pts");
    expect(formatDifference("absolute_error", -1.5)).toBe("−1.5");
    expect(formatDifference("absolute_error", 0.12345)).toBe("+0.123");
    // Axis ticks: no trailing zeros.
    expect(formatDifference("accuracy", 0.3, { compact: true })).toBe("+30 pts");
    expect(formatDifference("accuracy", -0.015, { compact: true })).toBe("−1.5 pts");
  });
});

describe("formatPValue", () => {
  it("gives two significant digits and floors tiny ones", () => {
    expect(formatPValue(0.004)).toBe("0.0040");
    expect(formatPValue(0.71)).toBe("0.71");
    expect(formatPValue(1)).toBe("1.00");
    expect(formatPValue(0.00001)).toBe("< 0.0001");
    expect(formatPValue(null)).toBe("—");
  });
});

describe("differenceDirection", () => {
  it("reads the interval against the metric's better direction", () => {
    expect(differenceDirection(comparison({ lower: 0.01, upper: 0.05 }))).toBe("better");
    expect(differenceDirection(comparison({ lower: -0.05, upper: -0.01 }))).toBe("worse");
    expect(differenceDirection(comparison({ metric: "error_rate", lower: 0.01, upper: 0.05 }))).toBe("worse");
    expect(differenceDirection(comparison({ metric: "absolute_error", lower: -3, upper: -1 }))).toBe("better");
    expect(differenceDirection(comparison({ lower: -0.01, upper: 0.05 }))).toBe("unclear");
    expect(differenceDirection(comparison({ lower: null, upper: null }))).toBe("unclear");
  });
});

describe("srmText", () => {
  it("says ok or mismatch with χ² and p, or why it was not checked", () => {
    expect(srmText(analysis().srm)).toBe("SRM: ok (χ² 0.13, p 0.71)");
    expect(srmText({ ...analysis().srm, statistic: 31.234, pValue: 2e-8, mismatch: true })).toBe(
      "SRM: mismatch (χ² 31.23, p < 0.0001)",
    );
    expect(srmText({ ...analysis().srm, statistic: null, pValue: null, note: "Prometheus unreachable" })).toBe(
      "SRM: not checked (Prometheus unreachable)",
    );
  });
});

describe("labelDelayText", () => {
  it("says how long outcomes take and the share of the window's predictions still waiting", () => {
    expect(labelDelayText(analysis())).toBe(
      "Outcomes take 1 h to arrive, so outcome metrics use predictions made up to the cutoff; 20.0 % of the window's predictions still wait for one.",
    );
    const none = analysis({ labelDelay: { minutes: 0, outcomeCutoff: "2026-12-03T10:00:00.000Z" } });
    expect(labelDelayText({ ...none, arms: [] })).toBe(
      "No label delay: outcomes count as they arrive; no predictions still wait for one.",
    );
  });

  it("puts long delays in hours and days", () => {
    expect(formatMinutes(45)).toBe("45 min");
    expect(formatMinutes(90)).toBe("1.5 h");
    expect(formatMinutes(7 * 1440)).toBe("7 days");
  });
});

describe("latency and cost", () => {
  it("formats seconds as ms below 10 s and bucket bounds in words", () => {
    expect(formatSeconds(0.085)).toBe("85 ms");
    expect(formatSeconds(0.0042)).toBe("4.2 ms");
    expect(formatSeconds(1.25)).toBe("1,250 ms");
    expect(formatSeconds(12.5)).toBe("12.5 s");
    expect(bucketText(0.1, 0.25)).toBe("between 100 ms and 250 ms");
    expect(bucketText(2.5, null)).toBe("above 2,500 ms");
    expect(bucketText(0, 0.005)).toBe("below 5 ms");
    expect(bucketText(null, null)).toBeNull();
  });

  it("formats dollars with cents, small amounts to three significant digits", () => {
    expect(formatUsd(12.5)).toBe("$12.50");
    expect(formatUsd(1234.567)).toBe("$1,234.57");
    expect(formatUsd(0.04213)).toBe("$0.0421");
  });
});
