import { describe, expect, it } from "vitest";
import {
  buildAxis,
  categoricalAxis,
  naturalCompare,
  niceDomain,
  niceTicks,
  numericAxis,
  toFiniteNumber,
} from "@/components/experiments/charts/scale";

describe("buildAxis", () => {
  it("is numeric when every present value is a number, even as strings", () => {
    const axis = buildAxis(["0.1", "0.3", undefined, "1e-1"]);
    expect(axis.kind).toBe("numeric");
    expect(axis.position("0.1")).toBe(0);
    expect(axis.position("0.3")).toBe(1);
    expect(axis.position(0.2)).toBeCloseTo(0.5);
  });

  it("is categorical as soon as one value is not a number", () => {
    const axis = buildAxis(["adam", "sgd", "3", "adam"]);
    expect(axis.kind).toBe("categorical");
    if (axis.kind !== "categorical") throw new Error("expected categories");
    expect(axis.categories).toEqual(["3", "adam", "sgd"]);
    expect(axis.position("3")).toBe(0);
    expect(axis.position("adam")).toBe(0.5);
    expect(axis.position("sgd")).toBe(1);
    expect(axis.position("rmsprop")).toBeNull();
  });

  it("treats an axis with no values as empty categories", () => {
    const axis = buildAxis([undefined, undefined]);
    expect(axis.kind).toBe("categorical");
    expect(axis.position("x")).toBeNull();
  });
});

describe("numericAxis", () => {
  it("centres values when they are all equal", () => {
    const axis = numericAxis([5, 5, 5]);
    expect(axis.position(5)).toBe(0.5);
    expect(axis.ticks).toEqual([5]);
  });

  it("returns null for values that are not numbers", () => {
    expect(numericAxis([0, 1]).position("abc")).toBeNull();
  });
});

describe("categoricalAxis", () => {
  it("places a single category in the middle and sorts naturally", () => {
    expect(categoricalAxis(["only"]).position("only")).toBe(0.5);
    expect(categoricalAxis(["run-10", "run-2", "run-1"]).categories).toEqual(["run-1", "run-2", "run-10"]);
  });
});

describe("niceTicks", () => {
  it("uses 1-2-5 steps inside the range", () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.13, 0.97, 4)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(-10, 35, 5)).toEqual([-10, 0, 10, 20, 30]);
  });

  it("copes with an empty range", () => {
    expect(niceTicks(3, 3, 5)).toEqual([3]);
  });
});

describe("niceDomain", () => {
  it("widens a range outward to round steps", () => {
    expect(niceDomain(0.013, 1.326, 5)).toEqual([0, 1.4]);
    expect(niceDomain(0.7339, 0.9352, 5)).toEqual([0.7, 0.95]);
    expect(niceDomain(2, 2, 5)).toEqual([2, 2]);
  });
});

describe("helpers", () => {
  it("parses finite numbers only", () => {
    expect(toFiniteNumber(" 2.5 ")).toBe(2.5);
    expect(toFiniteNumber("")).toBeNull();
    expect(toFiniteNumber("Infinity")).toBeNull();
    expect(toFiniteNumber("true")).toBeNull();
    expect(toFiniteNumber(Number.NaN)).toBeNull();
  });

  it("compares naturally", () => {
    expect(naturalCompare("a2", "a10")).toBeLessThan(0);
  });
});
