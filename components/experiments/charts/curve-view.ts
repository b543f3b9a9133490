/**
 * The geometry of a canvas curves chart: which steps and values are in view, how they map to pixels, the ticks, and
 * which curve lies under the pointer. Pure, so hover, zoom and log scale are tested without a browser.
 */

import type { CurvePoint } from "@/components/experiments/charts/curves";
import { niceDomain, niceTicks } from "@/components/experiments/charts/scale";

export type StepRange = readonly [number, number];
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

/** The values shown in `steps`: linear widened to round ticks; log from the decade below to the decade above. */
export function valueDomainIn(curves: readonly Curve[], steps: StepRange, scale: YScale): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const curve of curves) {
    const end = firstAtOrAfter(curve.points, steps[1] + 1);
    for (let i = firstAtOrAfter(curve.points, steps[0]); i < end; i++) {
      const value = (curve.points[i] as CurvePoint).value;
      if (scale === "log" && !(value > 0)) continue;
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) return scale === "log" ? [1, 10] : [0, 1];
  if (scale === "log") {
    const low = 10 ** Math.floor(Math.log10(min));
    const high = 10 ** Math.ceil(Math.log10(max));
    return [low, high > low ? high : low * 10];
  }
  if (min === max) {
    const room = Math.max(Math.abs(max) * 0.05, 1);
    return [min - room, max + room];
  }
  return niceDomain(min, max, Y_TICKS);
}

/** Powers of ten in [min, max]; with fewer than three of them, 2× and 5× each power too. */
export function logTicks(min: number, max: number): number[] {
  const decades: number[] = [];
  for (let exponent = Math.floor(Math.log10(min)); 10 ** exponent <= max * (1 + 1e-9); exponent++) {
    decades.push(exponent);
  }
  const multiples = decades.length < 3 ? [1, 2, 5] : [1];
  const ticks = decades.flatMap((exponent) =>
    multiples.map((multiple) => Number((multiple * 10 ** exponent).toPrecision(12))),
  );
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
    const before = curve.points[index - 1] ?? (after?.step === step ? after : undefined);
    if (!after || !before) continue;
    const y = lineRowAt(view, before, after, px);
    if (y === null) continue;
    const distance = Math.abs(y - py);
    if (distance <= bestDistance) {
      bestDistance = distance;
      const nearer = px - pixelX(view, before.step) <= pixelX(view, after.step) - px ? before : after;
      best = { runId: curve.runId, step: nearer.step, value: nearer.value };
    }
  }
  return best;
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
