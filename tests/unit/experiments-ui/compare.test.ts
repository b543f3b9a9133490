import { describe, expect, it } from "vitest";
import {
  curvesByMetric,
  defaultAxes,
  defaultScatterAxes,
  dimensionLabel,
  dimensionValue,
  downsampledFrom,
  scatterData,
  type RunValues,
} from "@/components/experiments/compare/compare";

const runs: RunValues[] = [
  { id: "a", name: "run-a", params: { lr: "0.1", optimizer: "adam", seed: "1" }, metrics: { auc: 0.9, loss: 0.3 } },
  { id: "b", name: "run-b", params: { lr: "0.01", optimizer: "sgd", seed: "1" }, metrics: { auc: 0.8 } },
  { id: "c", name: "run-c", params: { lr: "0.05", seed: "1" }, metrics: { auc: 0.85, loss: 0.4 } },
];
const colors = new Map([
  ["a", "red"],
  ["b", "green"],
  ["c", "blue"],
]);
const points = (n: number) => Array.from({ length: n }, (_, step) => ({ step, value: step }));

describe("curvesByMetric", () => {
  const series = [
    { runId: "b", key: "auc", totalPoints: 3, points: points(3) },
    { runId: "a", key: "auc", totalPoints: 5000, points: points(10) },
    { runId: "a", key: "loss", totalPoints: 2, points: points(2) },
  ];

  it("groups curves by metric in run order with run colours", () => {
    const curves = curvesByMetric(["auc", "loss", "f1"], series, runs, colors, new Set());
    expect(curves.get("auc")?.map((c) => [c.runId, c.color, c.runName])).toEqual([
      ["a", "red", "run-a"],
      ["b", "green", "run-b"],
    ]);
    expect(curves.get("loss")?.map((c) => c.runId)).toEqual(["a"]);
    expect(curves.get("f1")).toEqual([]);
  });

  it("leaves hidden runs out", () => {
    const curves = curvesByMetric(["auc"], series, runs, colors, new Set(["a"]));
    expect(curves.get("auc")?.map((c) => c.runId)).toEqual(["b"]);
  });

  it("reports the largest original size of a thinned metric", () => {
    expect(downsampledFrom(series, "auc")).toBe(5000);
    expect(downsampledFrom(series, "loss")).toBeNull();
  });
});

describe("dimensions", () => {
  it("reads metric and param values by column id", () => {
    expect(dimensionValue(runs[0] as RunValues, "metrics.auc")).toBe(0.9);
    expect(dimensionValue(runs[0] as RunValues, "params.lr")).toBe("0.1");
    expect(dimensionValue(runs[1] as RunValues, "metrics.loss")).toBeUndefined();
    expect(dimensionValue(runs[0] as RunValues, "bogus")).toBeUndefined();
    expect(dimensionLabel("params.max_depth")).toBe("max_depth");
  });

  it("defaults parallel axes to varying params then the first metrics", () => {
    expect(defaultAxes(runs, ["lr", "optimizer", "seed"], ["auc", "loss"])).toEqual([
      "params.lr",
      "params.optimizer",
      "metrics.auc",
      "metrics.loss",
    ]);
  });

  it("defaults the scatter to first metric against the first varying param", () => {
    expect(defaultScatterAxes(runs, ["seed", "lr"], ["auc", "loss"])).toEqual({ x: "params.lr", y: "metrics.auc" });
    expect(defaultScatterAxes(runs, ["seed"], ["auc", "loss"])).toEqual({ x: "metrics.loss", y: "metrics.auc" });
    expect(defaultScatterAxes(runs, [], [])).toEqual({ x: null, y: null });
  });
});

describe("scatterData", () => {
  it("uses numeric x when every value is a number and skips runs missing a value", () => {
    const result = scatterData(runs, "metrics.loss", "metrics.auc", colors, new Set());
    expect(result.xCategories).toBeNull();
    expect(result.points.map((p) => [p.runId, p.x, p.y])).toEqual([
      ["a", 0.3, 0.9],
      ["c", 0.4, 0.85],
    ]);
    expect(result.skipped).toBe(1);
  });

  it("turns text params into sorted categories", () => {
    const result = scatterData(runs, "params.optimizer", "metrics.auc", colors, new Set(["a"]));
    expect(result.xCategories).toEqual(["sgd"]);
    expect(result.points).toEqual([{ runId: "b", runName: "run-b", color: "green", x: "sgd", y: 0.8 }]);
  });

  it("parses numeric params", () => {
    const result = scatterData(runs, "params.lr", "metrics.auc", colors, new Set());
    expect(result.points.map((p) => p.x)).toEqual([0.1, 0.01, 0.05]);
  });
});
