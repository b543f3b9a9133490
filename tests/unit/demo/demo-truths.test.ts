import { describe, expect, it } from "vitest";
import { seededRandom } from "@/training/random";
import { slipped } from "@/scripts/demo-traffic/demo-labelling";
import { DemoTruths } from "@/scripts/demo-traffic/demo-truths";

const served = (ids: string[], targets: number[]) => ({
  endpoint: "fraud-prod",
  source: "test",
  variant: "blue",
  predictionIds: ids,
  targets,
  servedAt: new Date(0),
});

describe("the DEMO generator's truths", () => {
  it("labels classes by the target's class and numbers to one decimal", () => {
    const truths = new DemoTruths();
    truths.remember(served(["a", "b"], [0, 1]), { kind: "classification", classes: ["legit", "fraud"] });
    truths.remember(served(["c"], [23.456]), { kind: "regression" });
    expect(truths.of("a")).toEqual({ kind: "classes", label: "legit" });
    expect(truths.of("b")).toEqual({ kind: "classes", label: "fraud" });
    expect(truths.of("c")).toEqual({ kind: "number", value: 23.5 });
    expect(truths.of("unknown")).toBeUndefined();
  });

  it("skips rows without a usable target and forgets the oldest past its capacity", () => {
    const truths = new DemoTruths(3);
    truths.remember(served(["a", "b"], [Number.NaN, 7]), { kind: "regression" });
    truths.remember(served(["c", "d", "e"], [1, 2, 3]), { kind: "regression" });
    expect(truths.size).toBe(3);
    expect(truths.of("a")).toBeUndefined();
    expect(truths.of("b")).toBeUndefined();
    expect(truths.of("e")).toEqual({ kind: "number", value: 3 });
  });
});

describe("the second DEMO annotator's slips", () => {
  it("mostly agree with the truth, and a slip is another class or a number off by 0.5–3", () => {
    const random = seededRandom(5);
    const classes = ["legit", "fraud"];
    const labels = Array.from({ length: 2_000 }, () => slipped({ kind: "classes", label: "fraud" }, random, classes));
    const classSlips = labels.filter((label) => label.kind === "classes" && label.label === "legit").length;
    expect(labels.every((label) => label.kind === "classes" && classes.includes(label.label))).toBe(true);
    // 8 % slips: 160 expected, within 4 standard deviations (√(2000·0.08·0.92) ≈ 12).
    expect(Math.abs(classSlips - 160)).toBeLessThan(50);

    const numbers = Array.from({ length: 2_000 }, () => slipped({ kind: "number", value: 30 }, random));
    const off = numbers.flatMap((label) => (label.kind === "number" && label.value !== 30 ? [label.value] : []));
    expect(Math.abs(off.length - 300)).toBeLessThan(65);
    for (const value of off) expect(Math.abs(value - 30)).toBeGreaterThanOrEqual(0.5 - 1e-9);
    for (const value of off) expect(Math.abs(value - 30)).toBeLessThanOrEqual(3 + 1e-9);
  });
});
