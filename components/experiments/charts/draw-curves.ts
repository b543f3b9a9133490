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
export function drawCurves(context: CanvasRenderingContext2D, curves: readonly RunCurve[], view: CurveView): number {
  drawGrid(context, view);
  const { box } = view;
  context.save();
  context.beginPath();
  context.rect(box.left, box.top, box.width, box.height);
  context.clip();
  context.lineWidth = curves.length > 50 ? 1 : 1.5;
  context.lineJoin = "round";
  context.globalAlpha = curves.length > 50 ? 0.75 : 1;
  let drawn = 0;
  for (const curve of curves) {
    context.beginPath();
    if (!traceCurve(context, curve, view)) continue;
    context.strokeStyle = curve.color;
    context.stroke();
    drawn += 1;
  }
  context.restore();
  return drawn;
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
