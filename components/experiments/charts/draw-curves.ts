/** Drawing a curves chart on a 2D canvas: the grid and every run's line, then what hovering adds on top. */

import type { CurvePoint, RunCurve } from "@/components/experiments/charts/curves";
import {
  firstAtOrAfter,
  pixelX,
  pixelY,
  stepTicks,
  valueTicks,
  type CurveView,
  type StepRange,
} from "@/components/experiments/charts/curve-view";

/** Sizes the canvas's backing store for the screen's pixel density and returns its context in CSS pixels. */
export function prepareCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
): CanvasRenderingContext2D | null {
  const ratio = window.devicePixelRatio || 1;
  const backingWidth = Math.round(width * ratio);
  const backingHeight = Math.round(height * ratio);
  if (canvas.width !== backingWidth) canvas.width = backingWidth;
  if (canvas.height !== backingHeight) canvas.height = backingHeight;
  const context = canvas.getContext("2d");
  if (!context) return null;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  return context;
}

function drawGrid(context: CanvasRenderingContext2D, view: CurveView) {
  const { box } = view;
  context.strokeStyle = "#e2e8f0";
  context.lineWidth = 1;
  context.setLineDash([3, 3]);
  context.beginPath();
  for (const tick of valueTicks(view)) {
    const y = Math.round(pixelY(view, tick) ?? box.top) + 0.5;
    context.moveTo(box.left, y);
    context.lineTo(box.left + box.width, y);
  }
  for (const tick of stepTicks(view.steps)) {
    const x = Math.round(pixelX(view, tick)) + 0.5;
    context.moveTo(x, box.top);
    context.lineTo(x, box.top + box.height);
  }
  context.stroke();
  context.setLineDash([]);
  context.strokeStyle = "#cbd5e1";
  context.strokeRect(box.left + 0.5, box.top + 0.5, box.width, box.height);
}

/** The points of a curve worth drawing for `steps`: those inside plus one on each side, so lines reach the edges. */
function shownRange(curve: RunCurve, steps: StepRange): [number, number] {
  const start = Math.max(0, firstAtOrAfter(curve.points, steps[0]) - 1);
  const end = Math.min(curve.points.length, firstAtOrAfter(curve.points, steps[1] + 1) + 1);
  return [start, end];
}

const inSteps = (steps: StepRange, step: number) => step >= steps[0] && step <= steps[1];

/**
 * Traces a curve's line; a value a log scale cannot show breaks it. Returns whether any of it is in view: a segment
 * reaching into the steps shown, or else a lone point inside them, traced as a dot.
 */
function traceCurve(context: CanvasRenderingContext2D, curve: RunCurve, view: CurveView): boolean {
  const [start, end] = shownRange(curve, view.steps);
  let previous: CurvePoint | null = null;
  let lone: CurvePoint | null = null;
  let segments = 0;
  for (let i = start; i < end; i++) {
    const point = curve.points[i] as CurvePoint;
    const y = pixelY(view, point.value);
    if (y === null) {
      previous = null;
      continue;
    }
    const x = pixelX(view, point.step);
    if (previous && previous.step <= view.steps[1] && point.step >= view.steps[0]) {
      context.lineTo(x, y);
      segments += 1;
    } else {
      context.moveTo(x, y);
      if (inSteps(view.steps, point.step)) lone = point;
    }
    previous = point;
  }
  if (segments > 0) return true;
  return lone !== null && traceDot(context, lone, view);
}

function traceDot(context: CanvasRenderingContext2D, point: CurvePoint, view: CurveView): boolean {
  const y = pixelY(view, point.value);
  if (y === null) return false;
  const x = pixelX(view, point.step);
  context.moveTo(x + 1.5, y);
  context.arc(x, y, 1.5, 0, 2 * Math.PI);
  return true;
}

/** The grid and every curve; returns how many curves have something in view. */
/** Thinner, translucent lines once a chart holds many curves. */
function lineStyle(count: number) {
  return count > 50 ? { width: 1, alpha: 0.75 } : { width: 1.5, alpha: 1 };
}

/**
 * Draws the grid and `curves` (or, from `from` on, only the curves after the first `from`, over what is drawn already)
 * and returns how many of those drawn have something in view.
 */
export function drawCurves(
  context: CanvasRenderingContext2D,
  curves: readonly RunCurve[],
  view: CurveView,
  from = 0,
): number {
  if (from === 0) drawGrid(context, view);
  const { box } = view;
  const style = lineStyle(curves.length);
  context.save();
  context.beginPath();
  context.rect(box.left, box.top, box.width, box.height);
  context.clip();
  context.lineWidth = style.width;
  context.lineJoin = "round";
  context.globalAlpha = style.alpha;
  let drawn = 0;
  for (const curve of curves.slice(from)) {
    context.beginPath();
    if (!traceCurve(context, curve, view)) continue;
    context.strokeStyle = curve.color;
    context.stroke();
    drawn += 1;
  }
  context.restore();
  return drawn;
}

const sameView = (a: CurveView, b: CurveView) =>
  a.scale === b.scale &&
  a.steps[0] === b.steps[0] &&
  a.steps[1] === b.steps[1] &&
  a.values[0] === b.values[0] &&
  a.values[1] === b.values[1] &&
  a.box.left === b.box.left &&
  a.box.top === b.box.top &&
  a.box.width === b.box.width &&
  a.box.height === b.box.height;

/**
 * How many of `next` are on the canvas already: all of `drawn` when `next` only adds curves after them (as the
 * stream adds runs) in the same view and line style, else 0 (draw everything again).
 */
export function curvesKept(
  drawn: { curves: readonly RunCurve[]; view: CurveView },
  next: { curves: readonly RunCurve[]; view: CurveView },
): number {
  const before = drawn.curves;
  const after = next.curves;
  if (before.length > after.length || !sameView(drawn.view, next.view)) return 0;
  const styleBefore = lineStyle(before.length);
  const styleAfter = lineStyle(after.length);
  if (styleBefore.width !== styleAfter.width || styleBefore.alpha !== styleAfter.alpha) return 0;
  for (let i = 0; i < before.length; i++) {
    const a = before[i] as RunCurve;
    const b = after[i] as RunCurve;
    if (a.runId !== b.runId || a.points !== b.points || a.color !== b.color) return 0;
  }
  return before.length;
}

export type Overlay = {
  highlighted: RunCurve | null;
  cursorX: number | null;
  selection: readonly [number, number] | null;
};

/** What sits over the curves: the other curves faded behind the highlighted one, the cursor and a zoom selection. */
export function drawOverlay(context: CanvasRenderingContext2D, view: CurveView, overlay: Overlay) {
  const { box } = view;
  context.save();
  context.beginPath();
  context.rect(box.left, box.top, box.width, box.height);
  context.clip();
  if (overlay.highlighted) {
    context.fillStyle = "rgba(255, 255, 255, 0.7)";
    context.fillRect(box.left, box.top, box.width, box.height);
    context.beginPath();
    traceCurve(context, overlay.highlighted, view);
    context.lineWidth = 2.5;
    context.lineJoin = "round";
    context.strokeStyle = overlay.highlighted.color;
    context.stroke();
  }
  if (overlay.cursorX !== null) {
    context.fillStyle = "rgba(100, 116, 139, 0.7)";
    context.fillRect(Math.round(overlay.cursorX), box.top, 1, box.height);
  }
  if (overlay.selection) {
    const [from, to] = overlay.selection;
    context.fillStyle = "rgba(79, 70, 229, 0.15)";
    context.fillRect(Math.min(from, to), box.top, Math.abs(to - from), box.height);
  }
  context.restore();
}
