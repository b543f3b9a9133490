/**
 * The geometry of a canvas curves chart: which steps and values are in view, how they map to pixels, the ticks, and
 * which curve lies under the pointer. Pure, so hover, zoom and log scale are tested without a browser.
 */

import type { CurvePoint } from "@/components/experiments/charts/curves";
import { niceDomain, niceTicks } from "@/components/experiments/charts/scale";
import type { StepRange } from "@/contracts/curve-frames";

export type { StepRange };
export type YScale = "linear" | "log";
export type PlotBox = { left: number; top: number; width: number; height: number };
export type CurveView = { steps: StepRange; values: readonly [number, number]; scale: YScale; box: PlotBox };

type Curve = { runId: string; points: readonly CurvePoint[] };

const Y_TICKS = 5;

/** The index of the first point at or after `step` (points ascend by step). */
export function firstAtOrAfter(points: readonly CurvePoint[], step: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((points[mid] as CurvePoint).step < step) low = mid + 1;
    else high = mid;
  }
  return low;
}

const transform = (scale: YScale, value: number) => (scale === "log" ? Math.log10(value) : value);

export function pixelX(view: CurveView, step: number): number {
  const [from, to] = view.steps;
  return view.box.left + ((step - from) / (to - from)) * view.box.width;
}

/** The pixel row of a value, or null for a value a log scale cannot show (zero or below). */
export function pixelY(view: CurveView, value: number): number | null {
  if (view.scale === "log" && !(value > 0)) return null;
  const low = transform(view.scale, view.values[0]);
  const high = transform(view.scale, view.values[1]);
  return view.box.top + view.box.height * (1 - (transform(view.scale, value) - low) / (high - low));
}

export function stepAtPixel(view: CurveView, px: number): number {
  const [from, to] = view.steps;
  return from + ((px - view.box.left) / view.box.width) * (to - from);
}

export function insideBox(box: PlotBox, px: number, py: number): boolean {
  return px >= box.left && px <= box.left + box.width && py >= box.top && py <= box.top + box.height;
}

/** Decades a log axis can show: 10^-323 is the smallest power of ten a double holds, 10^308 the largest. */
const LOWEST_DECADE = -323;
const HIGHEST_DECADE = 308;
const MAX_LOG_TICKS = 7;

/**
 * The line's value at `step` as drawn (straight between its points; on a log scale straight in log space), or null
 * where the curve does not reach `step` or a log scale cannot show it.
 */
function lineValueAt(points: readonly CurvePoint[], step: number, scale: YScale): number | null {
  const index = firstAtOrAfter(points, step);
  const after = points[index];
  const before = points[index - 1];
  if (after?.step === step) return after.value;
  if (!after || !before) return null;
  const share = (step - before.step) / (after.step - before.step);
  if (scale === "linear") return before.value + share * (after.value - before.value);
  if (!(before.value > 0) || !(after.value > 0)) return null;
  return 10 ** (Math.log10(before.value) + share * (Math.log10(after.value) - Math.log10(before.value)));
}

/** The lowest and highest value drawn in `steps`: the points inside and where each line crosses the edges. */
function valueRangeIn(curves: readonly Curve[], steps: StepRange, scale: YScale): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const include = (value: number | null) => {
    if (value === null || (scale === "log" && !(value > 0))) return;
    if (value < min) min = value;
    if (value > max) max = value;
  };
  for (const curve of curves) {
    const end = firstAtOrAfter(curve.points, steps[1] + 1);
    for (let i = firstAtOrAfter(curve.points, steps[0]); i < end; i++) include((curve.points[i] as CurvePoint).value);
    include(lineValueAt(curve.points, steps[0], scale));
    include(lineValueAt(curve.points, steps[1], scale));
  }
  return [min, max];
}

/** The values shown in `steps`: linear widened to round ticks; log from the decade below to the decade above. */
export function valueDomainIn(curves: readonly Curve[], steps: StepRange, scale: YScale): [number, number] {
  const [min, max] = valueRangeIn(curves, steps, scale);
  if (!Number.isFinite(min) || !Number.isFinite(max)) return scale === "log" ? [1, 10] : [0, 1];
  if (scale === "log") {
    const low = Math.max(LOWEST_DECADE, Math.min(HIGHEST_DECADE - 1, Math.floor(Math.log10(min))));
    const high = Math.min(HIGHEST_DECADE, Math.max(low + 1, Math.ceil(Math.log10(max))));
    return [10 ** low, 10 ** high];
  }
  if (min === max) {
    const room = Math.max(Math.abs(max) * 0.05, 1);
    return [min - room, max + room];
  }
  return niceDomain(min, max, Y_TICKS);
}

/**
 * Powers of ten in [min, max], every second or third one when there are many (at most MAX_LOG_TICKS); with fewer
 * than three, 2× and 5× each power too.
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max >= min) || !Number.isFinite(max)) return [];
  const first = Math.max(LOWEST_DECADE, Math.floor(Math.log10(min)));
  const last = Math.min(HIGHEST_DECADE, Math.floor(Math.log10(max * (1 + 1e-9))));
  const stride = Math.ceil((last - first + 1) / MAX_LOG_TICKS);
  const multiples = last - first + 1 < 3 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let exponent = first; exponent <= last; exponent += stride) {
    for (const multiple of multiples) ticks.push(Number((multiple * 10 ** exponent).toPrecision(12)));
  }
  return ticks.filter((tick) => tick >= min * (1 - 1e-9) && tick <= max * (1 + 1e-9));
}

export function valueTicks(view: CurveView): number[] {
  const [low, high] = view.values;
  return view.scale === "log" ? logTicks(low, high) : niceTicks(low, high, Y_TICKS);
}

export function stepTicks(steps: StepRange): number[] {
  return niceTicks(steps[0], steps[1], 5).filter(Number.isInteger);
}

/** The step range to show: the zoom when it is a real range, else every step of the curves. */
export function shownSteps(full: StepRange, zoom: StepRange | null): StepRange {
  return zoom !== null && zoom[1] > zoom[0] ? zoom : full;
}

/** The fewest steps a zoom may span, so the axis keeps two distinct whole steps. */
const MIN_ZOOM_SPAN = 2;

/** The steps between two pixel columns dragged across, or null for a drag too short to mean a zoom. */
export function stepsFromDrag(view: CurveView, fromPx: number, toPx: number): StepRange | null {
  if (Math.abs(toPx - fromPx) < 4) return null;
  const left = Math.max(view.box.left, Math.min(fromPx, toPx));
  const right = Math.min(view.box.left + view.box.width, Math.max(fromPx, toPx));
  const from = Math.floor(stepAtPixel(view, left));
  const to = Math.ceil(stepAtPixel(view, right));
  return to - from >= MIN_ZOOM_SPAN ? [from, to] : null;
}

/** `steps` scaled by `factor` (below 1 zooms in) about its middle, whole steps, within `full`; null once it is full. */
export function zoomedSteps(full: StepRange, steps: StepRange, factor: number): StepRange | null {
  const middle = (steps[0] + steps[1]) / 2;
  const half = Math.max(MIN_ZOOM_SPAN / 2, ((steps[1] - steps[0]) * factor) / 2);
  const next = clampTo(full, [Math.floor(middle - half), Math.ceil(middle + half)]);
  return next[0] <= full[0] && next[1] >= full[1] ? null : next;
}

/** `steps` moved by `fraction` of its span (negative to the left), kept within `full`. */
export function pannedSteps(full: StepRange, steps: StepRange, fraction: number): StepRange {
  const span = steps[1] - steps[0];
  const shift = Math.round(span * fraction) || Math.sign(fraction);
  const from = Math.min(Math.max(full[0], steps[0] + shift), full[1] - span);
  return [Math.max(full[0], from), Math.max(full[0], from) + span];
}

function clampTo(full: StepRange, steps: StepRange): StepRange {
  const span = Math.min(steps[1] - steps[0], full[1] - full[0]);
  const from = Math.min(Math.max(full[0], steps[0]), full[1] - span);
  return [from, from + span];
}

export type CurveHit = { runId: string; step: number; value: number };

/**
 * The curve drawn nearest to the pointer, at most `maxDistance` pixels above or below it: each curve's line is
 * followed to the pointer's column (between its two points there, as drawn), so a hover names the line under it.
 */
export function curveAt(
  curves: readonly Curve[],
  view: CurveView,
  px: number,
  py: number,
  maxDistance: number,
): CurveHit | null {
  const step = stepAtPixel(view, px);
  let best: CurveHit | null = null;
  let bestDistance = maxDistance;
  for (const curve of curves) {
    const index = firstAtOrAfter(curve.points, step);
    const after = curve.points[index];
    const before = curve.points[index - 1];
    // Beyond either end of a line (or by a lone point), its end point counts when it is within reach sideways.
    const end = before ?? after;
    const y =
      after && before
        ? lineRowAt(view, before, after, px)
        : end && Math.abs(pixelX(view, end.step) - px) <= maxDistance
          ? pixelY(view, end.value)
          : null;
    if (y === null) continue;
    const distance = Math.abs(y - py);
    if (distance <= bestDistance) {
      bestDistance = distance;
      const nearer = nearerPoint(view, before, after, px);
      if (nearer) best = { runId: curve.runId, step: nearer.step, value: nearer.value };
    }
  }
  return best;
}

function nearerPoint(view: CurveView, before: CurvePoint | undefined, after: CurvePoint | undefined, px: number) {
  if (!before || !after) return before ?? after;
  return px - pixelX(view, before.step) <= pixelX(view, after.step) - px ? before : after;
}

function lineRowAt(view: CurveView, before: CurvePoint, after: CurvePoint, px: number): number | null {
  const y0 = pixelY(view, before.value);
  const y1 = pixelY(view, after.value);
  if (y0 === null || y1 === null) return null;
  const x0 = pixelX(view, before.step);
  const x1 = pixelX(view, after.step);
  return x1 === x0 ? y0 : y0 + ((px - x0) / (x1 - x0)) * (y1 - y0);
}

/**
 * What a key pressed on a chart does to its zoom: "+" and "−" zoom in and out about the middle, the arrows pan a
 * zoomed chart by a quarter, "0" and Escape show every step. The new steps, null for every step, or undefined for a
 * key that does nothing here.
 */
export function stepsForKey(
  key: string,
  full: StepRange,
  steps: StepRange,
  zoomed: boolean,
): StepRange | null | undefined {
  switch (key) {
    case "+":
    case "=":
      return zoomedSteps(full, steps, 0.5);
    case "-":
      return zoomed ? zoomedSteps(full, steps, 2) : undefined;
    case "ArrowLeft":
      return zoomed ? pannedSteps(full, steps, -0.25) : undefined;
    case "ArrowRight":
      return zoomed ? pannedSteps(full, steps, 0.25) : undefined;
    case "0":
    case "Escape":
      return zoomed ? null : undefined;
    default:
      return undefined;
  }
}
