import { describe, expect, it } from "vitest";
import {
  curveAt,
  logTicks,
  pannedSteps,
  pixelX,
  pixelY,
  shownSteps,
  stepAtPixel,
  stepsForKey,
  stepsFromDrag,
  valueDomainIn,
  zoomedSteps,
  type CurveView,
} from "@/components/experiments/charts/curve-view";

const box = { left: 50, top: 10, width: 100, height: 100 };
const line = (runId: string, values: number[], firstStep = 0) => ({
  runId,
  points: values.map((value, i) => ({ step: firstStep + i * 10, value })),
});

describe("valueDomainIn", () => {
  it("widens the values in view to round ticks, ignoring points outside the steps", () => {
    const curves = [line("a", [0.013, 1.326, 90]), line("b", [0.5])];
    expect(valueDomainIn(curves, [0, 10], "linear")).toEqual([0, 1.4]);
    expect(valueDomainIn(curves, [0, 20], "linear")).toEqual([0, 100]);
    expect(valueDomainIn([line("a", [-3.2, 41])], [0, 10], "linear")).toEqual([-10, 50]);
  });

  it("gives a flat line some room and copes with no points in view", () => {
    expect(valueDomainIn([line("a", [0.5])], [0, 0], "linear")).toEqual([-0.5, 1.5]);
    expect(valueDomainIn([line("a", [100])], [0, 0], "linear")).toEqual([95, 105]);
    expect(valueDomainIn([line("a", [1, 2])], [500, 900], "linear")).toEqual([0, 1]);
    expect(valueDomainIn([], [0, 1], "log")).toEqual([1, 10]);
  });

  it("counts where lines cross the edges of a zoom, so a zoom between two points still shows the line", () => {
    const sparse = [
      {
        runId: "a",
        points: [
          { step: 0, value: 5 },
          { step: 1000, value: 6 },
        ],
      },
    ];
    expect(valueDomainIn(sparse, [400, 600], "linear")).toEqual([5.4, 5.6]);
    expect(valueDomainIn(sparse, [400, 600], "log")).toEqual([1, 10]);
    const decades = [
      {
        runId: "b",
        points: [
          { step: 0, value: 0.001 },
          { step: 100, value: 1000 },
        ],
      },
    ];
    // Straight in log space: halfway is 1, and steps 25–75 span 0.03…30.
    expect(valueDomainIn(decades, [25, 75], "log")).toEqual([0.01, 100]);
  });

  it("keeps a log axis within the powers of ten a double holds", () => {
    const [low, high] = valueDomainIn([line("a", [5e-324, 1.5e308])], [0, 10], "log");
    expect(low).toBeGreaterThan(0);
    expect(Number.isFinite(high)).toBe(true);
    expect(logTicks(low, high).length).toBeLessThanOrEqual(7);
    expect(logTicks(1e-320, 1e300).length).toBeLessThanOrEqual(7);
    expect(logTicks(0, 10)).toEqual([]);
    expect(logTicks(1, Number.POSITIVE_INFINITY)).toEqual([]);
  });

  it("on a log scale spans whole decades of the positive values and leaves zero and negatives out", () => {
    expect(valueDomainIn([line("a", [0.0123, -4, 0, 870])], [0, 30], "log")).toEqual([0.01, 1000]);
    expect(valueDomainIn([line("a", [100, 100])], [0, 10], "log")).toEqual([100, 1000]);
    expect(valueDomainIn([line("a", [-1, 0])], [0, 10], "log")).toEqual([1, 10]);
  });
});

describe("pixels", () => {
  const linear: CurveView = { steps: [0, 100], values: [0, 10], scale: "linear", box };
  const log: CurveView = { ...linear, values: [0.01, 100], scale: "log" };

  it("maps steps and values to the plot and back", () => {
    expect(pixelX(linear, 0)).toBe(50);
    expect(pixelX(linear, 100)).toBe(150);
    expect(stepAtPixel(linear, 75)).toBe(25);
    expect(pixelY(linear, 0)).toBe(110);
    expect(pixelY(linear, 10)).toBe(10);
  });

  it("puts each decade an equal distance apart on a log scale and refuses values it cannot show", () => {
    expect(pixelY(log, 100)).toBeCloseTo(10);
    expect(pixelY(log, 1)).toBeCloseTo(60);
    expect(pixelY(log, 0.01)).toBeCloseTo(110);
    expect(pixelY(log, 0)).toBeNull();
    expect(pixelY(log, -3)).toBeNull();
  });
});

describe("logTicks", () => {
  it("gives the powers of ten, with 2× and 5× when there are fewer than three", () => {
    expect(logTicks(0.001, 100)).toEqual([0.001, 0.01, 0.1, 1, 10, 100]);
    expect(logTicks(1, 100)).toEqual([1, 10, 100]);
    expect(logTicks(0.5, 3)).toEqual([0.5, 1, 2]);
    expect(logTicks(10, 100)).toEqual([10, 20, 50, 100]);
  });
});

describe("curveAt", () => {
  const view: CurveView = { steps: [0, 40], values: [0, 10], scale: "linear", box };
  const curves = [line("low", [1, 1, 1, 1, 1]), line("high", [9, 9, 9, 9, 9]), line("rising", [0, 10], 20)];

  it("names the line under the pointer, following it between its points", () => {
    // Step 20 is pixel 100; value 1 is pixel row 100, value 9 row 20.
    expect(curveAt(curves, view, 100, 101, 8)?.runId).toBe("low");
    expect(curveAt(curves, view, 100, 22, 8)?.runId).toBe("high");
    // "rising" goes from (step 20, 0) to (step 30, 10): at step 26 (pixel 115) it is at value 6, row 50.
    expect(curveAt(curves, view, 115, 51, 8)).toEqual({ runId: "rising", step: 30, value: 10 });
  });

  it("names a run that logged one point, and a line's end just beyond it", () => {
    const lone = [{ runId: "once", points: [{ step: 20, value: 5 }] }];
    expect(curveAt(lone, view, 101, 61, 8)?.runId).toBe("once");
    expect(curveAt(lone, view, 120, 61, 8)).toBeNull();
    expect(curveAt([line("late", [5, 5], 30)], view, 122, 61, 8)?.runId).toBe("late");
  });

  it("names nothing when no line is near or the pointer is outside a curve's steps", () => {
    expect(curveAt(curves, view, 100, 60, 8)).toBeNull();
    expect(curveAt([line("late", [5, 5], 30)], view, 60, 60, 8)).toBeNull();
    expect(curveAt([], view, 100, 60, 8)).toBeNull();
  });

  it("skips values a log scale cannot show", () => {
    const log: CurveView = { steps: [0, 40], values: [0.1, 10], scale: "log", box };
    expect(curveAt([line("zero", [0, 0, 0, 0, 0])], log, 100, 110, 8)).toBeNull();
  });
});

describe("zoom", () => {
  const view: CurveView = { steps: [0, 1000], values: [0, 1], scale: "linear", box };
  const full = [0, 1000] as const;

  it("turns a drag into the whole steps it covers, clamped to the plot, either way round", () => {
    expect(stepsFromDrag(view, 60, 80)).toEqual([100, 300]);
    expect(stepsFromDrag(view, 80, 60)).toEqual([100, 300]);
    expect(stepsFromDrag(view, 20, 75)).toEqual([0, 250]);
    expect(stepsFromDrag(view, 60, 62)).toBeNull();
  });

  it("refuses a drag narrower than two steps", () => {
    const narrow: CurveView = { ...view, steps: [0, 4] };
    expect(stepsFromDrag(narrow, 60, 65)).toBeNull();
  });

  it("zooms about the middle within the steps there are, and out to none at all", () => {
    expect(zoomedSteps(full, [0, 1000], 0.5)).toEqual([250, 750]);
    expect(zoomedSteps(full, [900, 1000], 2)).toEqual([800, 1000]);
    expect(zoomedSteps(full, [400, 600], 10)).toBeNull();
    expect(zoomedSteps(full, [500, 502], 0.5)).toEqual([500, 502]);
  });

  it("pans by a share of the span without leaving the steps there are", () => {
    expect(pannedSteps(full, [400, 600], 0.25)).toEqual([450, 650]);
    expect(pannedSteps(full, [850, 990], 0.25)).toEqual([860, 1000]);
    expect(pannedSteps(full, [10, 210], -0.25)).toEqual([0, 200]);
  });

  it("shows the zoom only when it is a range", () => {
    expect(shownSteps(full, null)).toEqual(full);
    expect(shownSteps(full, [5, 9])).toEqual([5, 9]);
    expect(shownSteps(full, [9, 9])).toEqual(full);
  });

  it("maps keys to zooms and leaves other keys alone", () => {
    expect(stepsForKey("+", full, full, false)).toEqual([250, 750]);
    expect(stepsForKey("-", full, [250, 750], true)).toBeNull();
    expect(stepsForKey("ArrowRight", full, [250, 750], true)).toEqual([375, 875]);
    expect(stepsForKey("Escape", full, [250, 750], true)).toBeNull();
    expect(stepsForKey("Escape", full, full, false)).toBeUndefined();
    expect(stepsForKey("ArrowLeft", full, full, false)).toBeUndefined();
    expect(stepsForKey("a", full, [250, 750], true)).toBeUndefined();
  });
});
