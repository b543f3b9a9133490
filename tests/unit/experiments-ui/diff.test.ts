import { describe, expect, it } from "vitest";
import { buildValueRows, valuesDiffer, visibleRows } from "@/components/experiments/compare/diff";

describe("differences only", () => {
  const runs: { values: Record<string, string> }[] = [
    { values: { lr: "0.1", depth: "6", optimizer: "adam" } },
    { values: { lr: "0.1", depth: "8", optimizer: "adam" } },
    { values: { lr: "0.1", depth: "6" } },
  ];

  it("marks keys whose values differ, counting a missing value as different", () => {
    const rows = buildValueRows(["lr", "depth", "optimizer"], runs);
    expect(rows.map((r) => [r.key, r.differs])).toEqual([
      ["lr", false],
      ["depth", true],
      ["optimizer", true],
    ]);
    expect(rows[2]?.values).toEqual(["adam", "adam", undefined]);
  });

  it("hides identical rows only when asked", () => {
    const rows = buildValueRows(["lr", "depth"], runs);
    expect(visibleRows(rows, true).map((r) => r.key)).toEqual(["depth"]);
    expect(visibleRows(rows, false).map((r) => r.key)).toEqual(["lr", "depth"]);
  });

  it("never calls a single run different from itself", () => {
    expect(valuesDiffer(["x"])).toBe(false);
    expect(valuesDiffer([])).toBe(false);
    expect(valuesDiffer([1, 1, 2])).toBe(true);
  });

  it("does not treat inherited object properties as values", () => {
    const rows = buildValueRows(["toString"], [{ values: {} }, { values: {} }]);
    expect(rows[0]?.values).toEqual([undefined, undefined]);
    expect(rows[0]?.differs).toBe(false);
  });
});
