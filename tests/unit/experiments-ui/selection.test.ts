import { describe, expect, it } from "vitest";
import { applySelection, compareReadiness, selectionRecord } from "@/components/experiments/runs/selection";

describe("run selection", () => {
  it("keeps the order of earlier picks and appends new ones", () => {
    expect(applySelection(["c", "a"], { a: true, c: true, b: true })).toEqual(["c", "a", "b"]);
  });

  it("drops unticked runs, including ones set to false", () => {
    expect(applySelection(["c", "a", "b"], { a: true, b: false })).toEqual(["a"]);
  });

  it("round-trips through the react-table record", () => {
    expect(applySelection(["x", "y"], selectionRecord(["x", "y"]))).toEqual(["x", "y"]);
  });

  it("allows comparing 2 to 200 runs", () => {
    expect(compareReadiness(1).ok).toBe(false);
    expect(compareReadiness(2).ok).toBe(true);
    expect(compareReadiness(200).ok).toBe(true);
    const tooMany = compareReadiness(203);
    expect(tooMany).toEqual({ ok: false, reason: "At most 200 runs can be compared; 3 too many selected" });
  });
});
