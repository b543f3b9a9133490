// Pure helpers for metric curves: min/max downsampling and the packed preview format stored in
// MetricSeries.preview. No database access here.

import type { z } from "zod";
import type { curvePointOutput } from "@/server/services/experiments/schemas";
import type { StepRange } from "@/contracts/curve-frames";

export type CurvePoint = z.infer<typeof curvePointOutput>;

/** Resolution of a stored preview: series up to this many points are stored whole. */
export const PREVIEW_POINTS = 1_000;

/** Bytes per packed point: int32 step, then float64 value, both little-endian. */
const POINT_BYTES = 12;

/** Buckets per series: each keeps at most two points, plus the first and last point of the series. */
export function bucketCount(maxPoints: number): number {
  return Math.max(1, Math.floor((maxPoints - 2) / 2));
}

export function packCurve(points: readonly CurvePoint[]): Uint8Array {
  return packColumns({
    steps: Int32Array.from(points, (p) => p.step),
    values: Float64Array.from(points, (p) => p.value),
  });
}

export function packedPointCount(bytes: Uint8Array): number {
  if (bytes.byteLength % POINT_BYTES !== 0) {
    throw new Error(`A packed curve has a multiple of ${POINT_BYTES} bytes, not ${bytes.byteLength}`);
  }
  return bytes.byteLength / POINT_BYTES;
}

/** A curve as two columns: steps ascending, and the value at each. */
export type CurveColumns = { steps: Int32Array; values: Float64Array };
type Columns = CurveColumns;

export function unpackColumns(bytes: Uint8Array): Columns {
  const count = packedPointCount(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const steps = new Int32Array(count);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    steps[i] = view.getInt32(i * POINT_BYTES, true);
    values[i] = view.getFloat64(i * POINT_BYTES + 4, true);
  }
  return { steps, values };
}

export function unpackCurve(bytes: Uint8Array): CurvePoint[] {
  const { steps, values } = unpackColumns(bytes);
  return Array.from(steps, (step, i) => ({ step, value: values[i] ?? NaN }));
}

/**
 * Whether `value` is a better extreme than `current` in `direction` (-1 lowest, 1 highest). A NaN is never an
 * extreme while its bucket has a number (comparisons with NaN are false, so a leading NaN would otherwise stay).
 */
function beats(value: number, current: number, direction: -1 | 1): boolean {
  if (Number.isNaN(value)) return false;
  return Number.isNaN(current) || (direction < 0 ? value < current : value > current);
}

/**
 * Indices of the first and last point and, between them, of each bucket's lowest and highest point (the earliest on
 * ties; one index when they are the same point), in step order. `bucketOf` must not decrease along the steps.
 */
function keptByBucket({ steps, values }: Columns, bucketOf: (step: number) => number): number[] {
  const count = steps.length;
  if (count <= 2) return Array.from({ length: count }, (_, i) => i);
  const kept = [0];
  let i = 1;
  while (i < count - 1) {
    const bucket = bucketOf(steps[i] ?? 0);
    let low = i;
    let high = i;
    for (i += 1; i < count - 1 && bucketOf(steps[i] ?? 0) === bucket; i++) {
      const value = values[i] ?? 0;
      if (beats(value, values[low] ?? 0, -1)) low = i;
      if (beats(value, values[high] ?? 0, 1)) high = i;
    }
    kept.push(Math.min(low, high));
    if (low !== high) kept.push(Math.max(low, high));
  }
  kept.push(count - 1);
  return kept;
}

/**
 * Indices of the points min/max bucketing keeps, in step order (the same rule as the SQL in
 * packed-curves-sql.ts): a series longer than `maxPoints` keeps its first and last point, and its
 * interior is cut into `bucketCount(maxPoints)` equal step ranges that each keep their lowest and highest
 * point (the earliest on ties), so spikes survive. Shorter series are kept whole.
 * Steps must be unique and ascending.
 */
function keptIndices(columns: Columns, maxPoints: number): number[] {
  const count = columns.steps.length;
  if (count <= maxPoints) return Array.from({ length: count }, (_, i) => i);
  const buckets = bucketCount(maxPoints);
  const first = columns.steps[0] ?? 0;
  const span = (columns.steps[count - 1] ?? 0) - first + 1;
  return keptByBucket(columns, (step) => Math.min(buckets - 1, Math.floor(((step - first) * buckets) / span)));
}

/**
 * Most buckets of a stored preview's grid. A grid bucket is a power-of-two number of steps counted from the series'
 * first step, the fewest that keeps the buckets within this count, so a preview has 499 to 998 buckets: as many as
 * compare's finest request (PREVIEW_POINTS) needs, and every bucket of a coarser grid is two of the finer one.
 */
export const PREVIEW_GRID_BUCKETS = 998;

/**
 * How a stored preview is cut: series up to `wholeUpTo` points are kept whole, longer ones on a grid of at most
 * `gridBuckets` buckets; it serves requests of up to `servesUpTo` points (or any request, when it is whole).
 */
export type PreviewLevel = { wholeUpTo: number; gridBuckets: number; servesUpTo: number };

/** MetricSeries.preview. */
export const FINE_PREVIEW: PreviewLevel = {
  wholeUpTo: PREVIEW_POINTS,
  gridBuckets: PREVIEW_GRID_BUCKETS,
  servesUpTo: PREVIEW_POINTS,
};

/**
 * MetricSeries.previewCoarse: 63 to 126 buckets, at least as many as a request of 128 points has. Charts of 250 runs
 * or more ask for 64 to 128 points per series (curvePointsPerSeries), a twentieth of what the fine preview can hold.
 * Its grid is a power-of-two multiple of the fine one, so it is exactly the coarse preview of the series' points
 * when derived from the fine preview (see gridPreview).
 */
export const COARSE_PREVIEW: PreviewLevel = { wholeUpTo: 256, gridBuckets: 126, servesUpTo: 128 };

/** Steps per grid bucket for a series from `firstStep` to `lastStep`. */
export function previewGrid(firstStep: number, lastStep: number, gridBuckets = PREVIEW_GRID_BUCKETS): number {
  const span = lastStep - firstStep + 1;
  let grid = 1;
  while (Math.ceil(span / grid) > gridBuckets) grid *= 2;
  return grid;
}

/**
 * The stored preview of a series at `level` (the same rule as packedCurvesSql's grid bucketing): the whole series up
 * to `level.wholeUpTo` points, else its first and last point and each grid bucket's lowest and highest point between
 * them. Given any subset of the series' points that holds those (an earlier preview and the points logged since, or a
 * finer level's preview), it gives the preview of the whole series, so a preview is kept current from the new points
 * alone. `totalPoints` is the series' length; the columns must be in step order. `grid` is null for a whole series.
 */
export function gridPreview(
  columns: Columns,
  totalPoints: number,
  level: PreviewLevel = FINE_PREVIEW,
): { columns: Columns; grid: number | null } {
  const count = columns.steps.length;
  if (totalPoints <= level.wholeUpTo) return { columns, grid: null };
  const first = columns.steps[0] ?? 0;
  const grid = previewGrid(first, columns.steps[count - 1] ?? 0, level.gridBuckets);
  const kept = keptByBucket(columns, (step) => Math.floor((step - first) / grid));
  return {
    columns: {
      steps: Int32Array.from(kept, (i) => columns.steps[i] ?? 0),
      values: Float64Array.from(kept, (i) => columns.values[i] ?? 0),
    },
    grid,
  };
}

/** Packs columns as a preview (see packCurve). */
export function packColumns({ steps, values }: Columns): Uint8Array {
  const bytes = new Uint8Array(steps.length * POINT_BYTES);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < steps.length; i++) {
    view.setInt32(i * POINT_BYTES, steps[i] ?? 0, true);
    view.setFloat64(i * POINT_BYTES + 4, values[i] ?? 0, true);
  }
  return bytes;
}

function pointsAt({ steps, values }: Columns, indices: number[]): CurvePoint[] {
  return indices.map((i) => ({ step: steps[i] ?? 0, value: values[i] ?? 0 }));
}

/** Min/max downsampling of points in ascending step order (see keptIndices). */
export function downsampleMinMax(points: readonly CurvePoint[], maxPoints: number): CurvePoint[] {
  const columns = {
    steps: Int32Array.from(points, (p) => p.step),
    values: Float64Array.from(points, (p) => p.value),
  };
  return pointsAt(columns, keptIndices(columns, maxPoints));
}

/** Min/max downsampling of columns (see keptIndices); the columns themselves when nothing is dropped. */
export function downsampleColumns(columns: CurveColumns, maxPoints: number): CurveColumns {
  if (columns.steps.length <= maxPoints) return columns;
  const kept = keptIndices(columns, maxPoints);
  return {
    steps: Int32Array.from(kept, (i) => columns.steps[i] ?? 0),
    values: Float64Array.from(kept, (i) => columns.values[i] ?? 0),
  };
}

/** A packed curve downsampled to `maxPoints`, as columns. */
export function downsamplePackedColumns(bytes: Uint8Array, maxPoints: number): CurveColumns {
  return downsampleColumns(unpackColumns(bytes), maxPoints);
}

/**
 * A stored preview of `level` answers a request for `limit` points if it holds the whole series, or if the request
 * is no finer than the level's resolution (a finer one must read a finer preview or the points).
 */
export function previewCovers(
  preview: Uint8Array,
  totalPoints: number,
  limit: number,
  level: PreviewLevel = FINE_PREVIEW,
): boolean {
  return packedPointCount(preview) === totalPoints || limit <= level.servesUpTo;
}

export type { StepRange };

/** A zoomed curve keeps at least both ends and one bucket of the range. */
const MIN_RANGE_POINTS = 4;

/** The first index whose step is at least `step` (steps ascend). */
function firstIndexFrom(steps: Int32Array, step: number): number {
  let low = 0;
  let high = steps.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((steps[middle] ?? 0) < step) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The curve a zoomed chart draws: the points of `columns` within `range` downsampled to `maxPoints` − 2, with the
 * nearest point on each side of the range (when there is one), so lines reach the chart's edges and a range between
 * two points still crosses the chart. Columns must be in step order.
 */
export function rangeCurve(columns: CurveColumns, [from, to]: StepRange, maxPoints: number): CurveColumns {
  const { steps, values } = columns;
  const start = firstIndexFrom(steps, from);
  const end = firstIndexFrom(steps, to + 1);
  const inside = downsampleColumns(
    { steps: steps.subarray(start, end), values: values.subarray(start, end) },
    Math.max(MIN_RANGE_POINTS, maxPoints - 2),
  );
  const before = start > 0 ? [start - 1] : [];
  const after = end < steps.length ? [end] : [];
  const pick = <T extends Int32Array | Float64Array>(source: T, indices: number[]) =>
    indices.map((i) => source[i] ?? 0);
  return {
    steps: Int32Array.from([...pick(steps, before), ...inside.steps, ...pick(steps, after)]),
    values: Float64Array.from([...pick(values, before), ...inside.values, ...pick(values, after)]),
  };
}
