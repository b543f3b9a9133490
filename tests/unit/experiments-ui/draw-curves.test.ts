import { describe, expect, it } from "vitest";
import type { RunCurve } from "@/components/experiments/charts/curves";
import type { CurveView } from "@/components/experiments/charts/curve-view";
import { curvesKept, drawCurves } from "@/components/experiments/charts/draw-curves";

/** A 2D context that records the path calls and accepts everything else. */
function recordingContext() {
  const calls: string[] = [];
  const context = new Proxy(
    {},
    {
      get: (_target, name) =>
        name === "calls" ? calls : (...args: number[]) => calls.push(`${String(name)}(${args.join(",")})`),
      set: () => true,
    },
  );
  return { context: context as unknown as CanvasRenderingContext2D, calls };
}

const box = { left: 0, top: 0, width: 100, height: 100 };
const curve = (runId: string, points: [number, number][]): RunCurve => ({
  runId,
  runName: runId,
  color: "#000",
  points: points.map(([step, value]) => ({ step, value })),
});

describe("drawCurves", () => {
  it("counts the curves with something in the steps shown", () => {
    const view: CurveView = { steps: [100, 200], values: [0, 10], scale: "linear", box };
    const { context } = recordingContext();
    const curves = [
      curve("inside", [
        [120, 1],
        [180, 2],
      ]),
      curve("across", [
        [0, 1],
        [1000, 2],
      ]),
      curve("before", [
        [0, 1],
        [50, 2],
      ]),
      curve("after", [
        [300, 1],
        [400, 2],
      ]),
      curve("dot", [[150, 5]]),
    ];
    expect(drawCurves(context, curves, view)).toBe(3);
  });

  it("breaks a line at values a log scale cannot show and draws a lone point as a dot", () => {
    const view: CurveView = { steps: [0, 30], values: [0.1, 10], scale: "log", box };
    const { context, calls } = recordingContext();
    expect(
      drawCurves(
        context,
        [
          curve("zeros", [
            [0, 0],
            [10, -1],
            [20, 0],
          ]),
        ],
        view,
      ),
    ).toBe(0);
    expect(
      drawCurves(
        context,
        [
          curve("one", [
            [0, 0],
            [10, 1],
            [20, 0],
          ]),
        ],
        view,
      ),
    ).toBe(1);
    expect(calls.some((call) => call.startsWith("arc("))).toBe(true);
  });
});

describe("curvesKept", () => {
  const view: CurveView = { steps: [0, 10], values: [0, 1], scale: "linear", box };
  const runs = Array.from({ length: 60 }, (_, i) =>
    curve(`r${i}`, [
      [0, 0.1],
      [10, 0.2],
    ]),
  );
  const drawn = { curves: runs.slice(0, 3), view };

  it("keeps what is drawn when curves are only added after it, in the same view", () => {
    expect(curvesKept(drawn, { curves: runs.slice(0, 5), view })).toBe(3);
    expect(curvesKept(drawn, { curves: runs.slice(0, 3), view: { ...view } })).toBe(3);
  });

  it("draws everything again when anything else changed", () => {
    const redraws = [
      { curves: runs.slice(1, 5), view },
      { curves: runs.slice(0, 2), view },
      { curves: [runs[0]!, { ...runs[1]!, color: "#f00" }, runs[2]!], view },
      { curves: [runs[0]!, { ...runs[1]!, points: [...runs[1]!.points] }, runs[2]!], view },
      { curves: runs.slice(0, 5), view: { ...view, values: [0, 2] as [number, number] } },
      { curves: runs.slice(0, 5), view: { ...view, steps: [0, 5] as [number, number] } },
      { curves: runs.slice(0, 5), view: { ...view, scale: "log" as const } },
      { curves: runs.slice(0, 5), view: { ...view, box: { ...box, width: 90 } } },
      // From few lines to many the line style thins: every line is drawn again in it.
      { curves: runs.slice(0, 60), view },
    ];
    for (const next of redraws) expect(curvesKept(drawn, next)).toBe(0);
  });

  it("draws only the added curves, without the grid, over what is kept", () => {
    const { context, calls } = recordingContext();
    expect(drawCurves(context, runs.slice(0, 5), view, 3)).toBe(2);
    expect(calls.filter((call) => call.startsWith("stroke("))).toHaveLength(2);
    expect(calls.some((call) => call.startsWith("strokeRect("))).toBe(false);
  });
});
