import { describe, expect, it } from "vitest";
import { hoverRows, nearestPoint, stepDomain } from "@/components/experiments/charts/curves";
import { filterErrorIndex, splitAtIndex } from "@/components/experiments/runs/filter";

const points = [0, 10, 20, 30].map((step) => ({ step, value: step / 10 }));

describe("nearestPoint", () => {
  it("finds the closest step, preferring the earlier one on ties", () => {
    expect(nearestPoint(points, 12)?.step).toBe(10);
    expect(nearestPoint(points, 16)?.step).toBe(20);
    expect(nearestPoint(points, 15)?.step).toBe(10);
    expect(nearestPoint(points, -5)?.step).toBe(0);
    expect(nearestPoint(points, 99)?.step).toBe(30);
    expect(nearestPoint([], 3)).toBeNull();
  });
});

describe("hoverRows", () => {
  it("lists the highest values first and counts the rest", () => {
    const curves = [
      { runId: "a", points },
      { runId: "b", points: points.map((p) => ({ ...p, value: p.value * 2 })) },
      { runId: "c", points: [] },
      { runId: "d", points: [{ step: 20, value: -1 }] },
    ];
    const result = hoverRows(curves, 20, 2);
    expect(result.rows).toEqual([
      { runId: "b", value: 4, step: 20 },
      { runId: "a", value: 2, step: 20 },
    ]);
    expect(result.hiddenCount).toBe(1);
  });
});

describe("filter errors", () => {
  it("turns the server's 1-based position into a 0-based index", () => {
    expect(
      filterErrorIndex('Invalid filter: Expected an operator (=, !=, <, <=, >, >=) after "metrics.auc" at position 13'),
    ).toBe(12);
    expect(filterErrorIndex("Invalid filter: Unterminated string starting at position 1")).toBe(0);
    expect(filterErrorIndex("Unknown column")).toBeNull();
  });

  it("splits the expression around the index, clamped to its length", () => {
    expect(splitAtIndex("metrics.auc 0.9", 12)).toEqual({ before: "metrics.auc ", at: "0", after: ".9" });
    expect(splitAtIndex("abc", 10)).toEqual({ before: "abc", at: " ", after: "" });
  });
});

describe("stepDomain", () => {
  it("spans the first to the last step of all curves", () => {
    expect(
      stepDomain([
        { points },
        {
          points: [
            { step: 5, value: 1 },
            { step: 45, value: 2 },
          ],
        },
      ]),
    ).toEqual([0, 45]);
  });

  it("gives a single step room and copes with no points", () => {
    expect(stepDomain([{ points: [{ step: 3, value: 1 }] }])).toEqual([2, 4]);
    expect(stepDomain([{ points: [] }])).toEqual([0, 1]);
  });
});
