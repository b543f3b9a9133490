import { describe, expect, it } from "vitest";
import {
  layoutAxes,
  lineVertices,
  pathThrough,
  pickCategoryLabels,
  yForFraction,
  type PcBox,
  type PcDimension,
} from "@/components/experiments/charts/parallel";

const box: PcBox = { width: 500, height: 300, top: 50, right: 50, bottom: 50, left: 50 };

const dimensions: PcDimension[] = [
  { id: "params.lr", label: "lr", values: ["0.1", "0.01", "0.05"] },
  { id: "params.optimizer", label: "optimizer", values: ["adam", "sgd", undefined] },
  { id: "metrics.auc", label: "auc", values: [0.8, 0.9, 0.85] },
];

describe("parallel coordinates geometry", () => {
  it("spreads axes evenly and centres a single axis", () => {
    expect(layoutAxes(dimensions, box).map((a) => a.x)).toEqual([50, 250, 450]);
    expect(layoutAxes(dimensions.slice(0, 1), box)[0]?.x).toBe(250);
  });

  it("scales numeric axes min to max and spaces categories evenly", () => {
    const axes = layoutAxes(dimensions, box);
    expect(axes[0]?.axis.kind).toBe("numeric");
    expect(axes[1]?.axis.kind).toBe("categorical");
    expect(yForFraction(1, box)).toBe(50);
    expect(yForFraction(0, box)).toBe(250);
    expect(lineVertices(axes, dimensions, 0, box)).toEqual([
      { x: 50, y: 50 },
      { x: 250, y: 250 },
      { x: 450, y: 250 },
    ]);
  });

  it("breaks a line where a run has no value", () => {
    const axes = layoutAxes(dimensions, box);
    const vertices = lineVertices(axes, dimensions, 2, box);
    expect(vertices[1]).toBeNull();
    expect(pathThrough(vertices)).toBe("M50,161.1M450,150");
    expect(
      pathThrough([
        { x: 0, y: 0 },
        { x: 1.26, y: 2 },
      ]),
    ).toBe("M0,0L1.3,2");
  });

  it("thins out long category lists but keeps the ends", () => {
    const categories = Array.from({ length: 30 }, (_, i) => `c${i}`);
    const picked = pickCategoryLabels(categories, 5);
    expect(picked).toHaveLength(5);
    expect(picked[0]).toBe("c0");
    expect(picked.at(-1)).toBe("c29");
    expect(pickCategoryLabels(["a", "b"], 5)).toEqual(["a", "b"]);
  });
});
