/** Metric curves in the compare view: what a hover shows and the axes. */

export type CurvePoint = { step: number; value: number };

/** The point nearest to `step` in points sorted by step (binary search), or null when there are none. */
export function nearestPoint(points: readonly CurvePoint[], step: number): CurvePoint | null {
  if (points.length === 0) return null;
  let low = 0;
  let high = points.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((points[mid] as CurvePoint).step < step) low = mid + 1;
    else high = mid;
  }
  const after = points[low] as CurvePoint;
  const before = low > 0 ? (points[low - 1] as CurvePoint) : after;
  return step - before.step <= after.step - step ? before : after;
}

export type HoverRow = { runId: string; value: number; step: number };

/**
 * What the tooltip lists at a hovered step: each visible run's nearest value, highest first, at most
 * `limit` rows (with 200 runs a full list would cover the chart).
 */
export function hoverRows(
  curves: readonly { runId: string; points: readonly CurvePoint[] }[],
  step: number,
  limit: number,
): { rows: HoverRow[]; hiddenCount: number } {
  const all: HoverRow[] = [];
  for (const curve of curves) {
    const point = nearestPoint(curve.points, step);
    if (point) all.push({ runId: curve.runId, value: point.value, step: point.step });
  }
  all.sort((a, b) => b.value - a.value);
  return { rows: all.slice(0, limit), hiddenCount: Math.max(0, all.length - limit) };
}

/** A run's curve as drawn: its name and colour travel with the points. */
export type RunCurve = { runId: string; runName: string; color: string; points: CurvePoint[] };

/** The x-axis range of the curves; a single step gets one step of room on each side. */
export function stepDomain(curves: readonly { points: readonly CurvePoint[] }[]): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const curve of curves) {
    const first = curve.points[0];
    const last = curve.points[curve.points.length - 1];
    if (first) min = Math.min(min, first.step);
    if (last) max = Math.max(max, last.step);
  }
  if (!Number.isFinite(min)) return [0, 1];
  return min === max ? [min - 1, max + 1] : [min, max];
}
