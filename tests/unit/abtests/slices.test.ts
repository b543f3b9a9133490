import { describe, expect, it } from "vitest";
import { rawRanges, wholeHours } from "@/server/services/abtests/analysis/slices/hours";
import {
  addOutcomeSums,
  armFromSums,
  NO_OUTCOMES,
  totalsByVariant,
} from "@/server/services/abtests/analysis/slices/sums";

const at = (iso: string) => new Date(`2026-12-03T${iso}Z`);

describe("wholeHours and rawRanges", () => {
  it("slices the whole hours inside the window and reads its ragged ends raw", () => {
    const span = wholeHours(at("08:17:00"), at("12:30:00"));
    expect(span).toEqual({ firstHour: at("09:00:00"), throughHour: at("12:00:00") });
    expect(rawRanges(at("08:17:00"), at("12:30:00"), span)).toEqual([
      { from: at("08:17:00"), to: at("09:00:00"), inclusive: false },
      { from: at("12:00:00"), to: at("12:30:00"), inclusive: true },
    ]);
  });

  it("starts on an hour boundary with no raw head, and keeps the end inclusive", () => {
    const span = wholeHours(at("09:00:00"), at("11:00:00"));
    expect(span).toEqual({ firstHour: at("09:00:00"), throughHour: at("11:00:00") });
    expect(rawRanges(at("09:00:00"), at("11:00:00"), span)).toEqual([
      { from: at("11:00:00"), to: at("11:00:00"), inclusive: true },
    ]);
  });

  it("reads a window without a whole hour raw", () => {
    expect(wholeHours(at("09:10:00"), at("10:05:00"))).toBeNull();
    expect(rawRanges(at("09:10:00"), at("10:05:00"), null)).toEqual([
      { from: at("09:10:00"), to: at("10:05:00"), inclusive: true },
    ]);
  });
});

describe("sums", () => {
  it("adds per-variant sums elementwise", () => {
    const totals = totalsByVariant(
      [
        { variantName: "a", units: [2, 1], sums: [1, 3], squares: [1, 9], weighted: 2 },
        { variantName: "b", units: [1], sums: [1], squares: [1], weighted: 1 },
        { variantName: "a", units: [3, 2], sums: [2, 4], squares: [2, 8], weighted: 3 },
      ],
      addOutcomeSums,
      NO_OUTCOMES,
    );
    expect(totals.get("a")).toEqual({ units: [5, 3], sums: [3, 7], squares: [3, 17], weighted: 5 });
    expect(totals.get("b")).toEqual({ units: [1], sums: [1], squares: [1], weighted: 1 });
  });

  it("gives a mean metric the sample variance of its units", () => {
    // Values 2, 4, 9: mean 5, sample variance ((−3)² + (−1)² + 4²)/2 = 13.
    expect(armFromSums("mean", 3, 15, 4 + 16 + 81)).toEqual({ n: 3, mean: 5, variance: 13 });
    expect(armFromSums("mean", 1, 7, 49)).toEqual({ n: 1, mean: 7, variance: 0 });
  });

  it("gives a proportion its successes' Agresti–Caffo variance, and nothing without units", () => {
    // 3 of 10: p̂ = 0.3, p̃ = 4/12.
    const arm = armFromSums("proportion", 10, 3, 3);
    expect(arm?.mean).toBeCloseTo(0.3, 12);
    expect(arm?.variance).toBeCloseTo((4 / 12) * (8 / 12), 12);
    expect(armFromSums("proportion", 0, 0, 0)).toBeUndefined();
  });
});
