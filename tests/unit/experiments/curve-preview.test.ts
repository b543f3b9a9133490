import { describe, expect, it } from "vitest";
import {
  COARSE_PREVIEW,
  downsampleColumns,
  gridPreview,
  packColumns,
  previewGrid,
  PREVIEW_GRID_BUCKETS,
  downsampleMinMax,
  downsamplePackedColumns,
  packCurve,
  packedPointCount,
  previewCovers,
  PREVIEW_POINTS,
  rangeCurve,
  unpackColumns,
  unpackCurve,
  type CurvePoint,
} from "@/server/services/experiments/curve-preview";
import { CHART_POINT_BUDGET, pointsPerSeries } from "@/server/services/experiments/point-budget";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const curve = (values: number[], firstStep = 0): CurvePoint[] =>
  values.map((value, i) => ({ step: firstStep + i, value }));
/** A smooth curve with a little deterministic noise, so every bucket has a distinct low and high. */
const noisy = (count: number) =>
  curve(Array.from({ length: count }, (_, i) => Math.exp(-i / 300) + 0.01 * Math.sin(i * 12.9898)));

describe("packCurve / unpackCurve", () => {
  it("packs each point as a little-endian int32 step and float64 value", () => {
    expect(hex(packCurve([{ step: 1, value: -2.5 }]))).toBe("01000000" + "00000000000004c0");
    expect(
      hex(
        packCurve([
          { step: 0x01020304, value: 1 },
          { step: 0, value: 0 },
        ]),
      ),
    ).toBe("04030201" + "000000000000f03f" + "00000000" + "0000000000000000");
    expect(packCurve([])).toHaveLength(0);
  });

  it("round-trips steps up to 2^31-1 and any finite value exactly", () => {
    const points = [
      { step: 0, value: 0.1 },
      { step: 7, value: -1e-300 },
      { step: 1_000_000, value: Number.MAX_VALUE },
      { step: 2_147_483_647, value: -123456.789 },
    ];
    expect(unpackCurve(packCurve(points))).toEqual(points);
  });

  it("reads a view into a larger buffer (database drivers hand out slices of a shared buffer)", () => {
    const packed = packCurve(curve([3, 1, 2], 10));
    const shared = new Uint8Array(packed.length + 5);
    shared.set(packed, 5);
    expect(unpackCurve(shared.subarray(5))).toEqual(curve([3, 1, 2], 10));
  });

  it("refuses bytes that are not whole points", () => {
    expect(packedPointCount(new Uint8Array(24))).toBe(2);
    expect(() => unpackCurve(new Uint8Array(13))).toThrow("A packed curve has a multiple of 12 bytes, not 13");
  });
});

describe("downsampleMinMax", () => {
  it("returns a series no longer than the limit whole", () => {
    const points = curve([5, 1, 9]);
    expect(downsampleMinMax(points, 3)).toEqual(points);
    expect(downsampleMinMax(points, 500)).toEqual(points);
    expect(downsampleMinMax([], 10)).toEqual([]);
  });

  it("keeps the first and last point and each bucket's low and high, in step order", () => {
    // maxPoints 6 → 2 buckets over steps 1..8: steps 1-4 and 5-8.
    const points = curve([5, 1, 9, 3, 2, 8, 0, 7, 4, 6]);
    expect(downsampleMinMax(points, 6).map((p) => p.step)).toEqual([0, 1, 2, 5, 6, 9]);
  });

  it("keeps one point for a flat bucket, the earliest on ties", () => {
    const points = curve([1, 2, 2, 2, 2, 3, 3, 3, 3, 4]);
    expect(downsampleMinMax(points, 6)).toEqual([
      { step: 0, value: 1 },
      { step: 1, value: 2 },
      { step: 5, value: 3 },
      { step: 9, value: 4 },
    ]);
  });

  it("keeps spikes up and down in a long series, and stays within the limit", () => {
    const points = noisy(5000);
    points[1234] = { step: 1234, value: 50 };
    points[4321] = { step: 4321, value: -50 };
    for (const maxPoints of [10, 250, 500, 1000]) {
      const kept = downsampleMinMax(points, maxPoints);
      expect(kept.length).toBeLessThanOrEqual(maxPoints);
      expect(kept.length).toBeGreaterThan(maxPoints * 0.9);
      expect(kept[0]).toEqual(points[0]);
      expect(kept.at(-1)).toEqual(points.at(-1));
      expect(kept).toContainEqual({ step: 1234, value: 50 });
      expect(kept).toContainEqual({ step: 4321, value: -50 });
      const steps = kept.map((p) => p.step);
      expect(steps).toEqual([...new Set(steps)].sort((a, b) => a - b));
      for (const point of kept) expect(points[point.step]).toEqual(point);
    }
  });

  it("buckets by step range, so gaps in the steps leave buckets empty", () => {
    const points = [...curve([1, 2, 3, 4]), ...curve([9, 8, 7, 6], 1000)];
    const kept = downsampleMinMax(points, 6);
    // Buckets cover steps 1-501 and 502-1002: the first holds steps 1-3, the second steps 1000-1002.
    expect(kept.map((p) => p.step)).toEqual([0, 1, 3, 1000, 1002, 1003]);
  });
});

describe("downsamplePackedColumns", () => {
  it("matches downsampling the unpacked points", () => {
    const points = noisy(PREVIEW_POINTS);
    const packed = packCurve(points);
    for (const limit of [10, 250, 999, 1000]) {
      const { steps, values } = downsamplePackedColumns(packed, limit);
      expect(Array.from(steps, (step, i) => ({ step, value: values[i] }))).toEqual(downsampleMinMax(points, limit));
    }
  });
});

describe("previewCovers", () => {
  const whole = packCurve(noisy(300));
  const thinned = packCurve(downsampleMinMax(noisy(5000), PREVIEW_POINTS));

  it("serves any limit from a preview holding the whole series", () => {
    expect(previewCovers(whole, 300, 2000)).toBe(true);
    expect(previewCovers(whole, 300, 10)).toBe(true);
  });

  it("serves a thinned preview only for limits up to its resolution", () => {
    expect(previewCovers(thinned, 5000, 250)).toBe(true);
    expect(previewCovers(thinned, 5000, PREVIEW_POINTS)).toBe(true);
    expect(previewCovers(thinned, 5000, PREVIEW_POINTS + 1)).toBe(false);
  });
});

describe("pointsPerSeries", () => {
  it("splits the chart budget between the runs, never above maxPoints", () => {
    expect(CHART_POINT_BUDGET).toBe(50_000);
    expect(pointsPerSeries(200, 500)).toBe(250);
    expect(pointsPerSeries(150, 500)).toBe(333);
    expect(pointsPerSeries(100, 2000)).toBe(500);
    expect(pointsPerSeries(3, 500)).toBe(500);
    expect(pointsPerSeries(1, 2000)).toBe(2000);
    expect(pointsPerSeries(0, 500)).toBe(500);
  });
});

describe("min/max bucketing to a chart's width", () => {
  it("keeps every bucket's extremes: each bucket's lowest and highest value are among the kept points", () => {
    const points = noisy(10_000);
    for (const width of [64, 333, 1_000]) {
      const maxPoints = 2 * width + 2;
      const kept = downsampleColumns(
        { steps: Int32Array.from(points, (p) => p.step), values: Float64Array.from(points, (p) => p.value) },
        maxPoints,
      );
      expect(kept.steps.length).toBeLessThanOrEqual(maxPoints);
      const keptSteps = new Set(kept.steps);
      const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
      const span = points.length;
      const interior = points.slice(1, -1);
      for (let bucket = 0; bucket < buckets; bucket++) {
        const inBucket = interior.filter(
          (p) => Math.min(buckets - 1, Math.floor((p.step * buckets) / span)) === bucket,
        );
        if (inBucket.length === 0) continue;
        const low = inBucket.reduce((a, b) => (b.value < a.value ? b : a));
        const high = inBucket.reduce((a, b) => (b.value > a.value ? b : a));
        expect(keptSteps.has(low.step)).toBe(true);
        expect(keptSteps.has(high.step)).toBe(true);
      }
      expect(kept.steps[0]).toBe(0);
      expect(kept.steps.at(-1)).toBe(points.length - 1);
    }
  });

  it("takes ±Infinity as extremes and never lets a NaN hide a bucket's numbers", () => {
    const values = [0, Number.NaN, 5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2, Number.NEGATIVE_INFINITY, 3, 9];
    // 10 points to 6: first and last, two buckets of 4 interior points each.
    const kept = downsampleMinMax(curve(values), 6);
    expect(kept.map((p) => p.value)).toEqual([0, 5, -1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 9]);
    const allNaN = downsampleMinMax(curve([1, Number.NaN, Number.NaN, Number.NaN, Number.NaN, 2]), 4);
    expect(allNaN.map((p) => p.step)).toEqual([0, 1, 5]);
  });

  it("returns the columns themselves when nothing needs dropping", () => {
    const columns = { steps: Int32Array.from([1, 2]), values: Float64Array.from([3, 4]) };
    expect(downsampleColumns(columns, 10)).toBe(columns);
  });
});

describe("grid previews", () => {
  const columnsOf = (points: CurvePoint[]) => ({
    steps: Int32Array.from(points, (p) => p.step),
    values: Float64Array.from(points, (p) => p.value),
  });

  it("counts steps per bucket in powers of two, keeping 499 to 998 buckets", () => {
    expect(previewGrid(0, 997)).toBe(1);
    expect(previewGrid(0, 998)).toBe(2);
    expect(previewGrid(10, 10 + 1995)).toBe(2);
    expect(previewGrid(10, 10 + 1996)).toBe(4);
    for (const span of [1_000, 5_000, 123_457, 2_000_000_000]) {
      const buckets = Math.ceil(span / previewGrid(0, span - 1));
      expect(buckets).toBeGreaterThanOrEqual(499);
      expect(buckets).toBeLessThanOrEqual(PREVIEW_GRID_BUCKETS);
    }
  });

  it("gives the whole series' preview from an earlier preview and the points added since, batch after batch", () => {
    const all = noisy(60_000).map((p) => ({ step: p.step * 3, value: p.value }));
    let preview = gridPreview(columnsOf(all.slice(0, 700)), 700).columns;
    for (let end = 700; end < all.length;) {
      const next = Math.min(all.length, end + 1 + ((end * 7919) % 9_000));
      const added = columnsOf(all.slice(end, next));
      const candidates = columnsOf([...unpackCurve(packColumns(preview)), ...all.slice(end, next)]);
      expect(candidates.steps.length).toBe(preview.steps.length + added.steps.length);
      preview = gridPreview(candidates, next).columns;
      end = next;
      expect(preview).toEqual(gridPreview(columnsOf(all.slice(0, end)), end).columns);
    }
    expect(preview.steps.length).toBeLessThanOrEqual(2 * PREVIEW_GRID_BUCKETS + 2);
  });
});

describe("coarse previews", () => {
  const columnsOf = (points: CurvePoint[]) => ({
    steps: Int32Array.from(points, (p) => p.step),
    values: Float64Array.from(points, (p) => p.value),
  });
  /** Ascending steps (uneven from a stride of 3), with spikes, dips and runs of equal values (ties keep the earliest). */
  const spiky = (count: number, stride: number) =>
    noisy(count).map((p, i) => ({
      step: p.step * stride + (stride >= 3 ? i % 3 : 0),
      value: i % 997 === 5 ? 50 : i % 1_013 === 9 ? -50 : i % 50 < 5 ? 0.5 : p.value,
    }));

  it("keeps 63 to 126 buckets, enough for a request of 128 points", () => {
    for (const span of [257, 1_000, 5_000, 123_457, 2_000_000_000]) {
      const buckets = Math.ceil(span / previewGrid(0, span - 1, COARSE_PREVIEW.gridBuckets));
      expect(buckets).toBeGreaterThanOrEqual(63);
      expect(buckets).toBeLessThanOrEqual(COARSE_PREVIEW.gridBuckets);
    }
    expect(COARSE_PREVIEW.servesUpTo).toBeLessThanOrEqual(2 * 63 + 2);
  });

  it("is the same derived from the fine preview as from every point, so it is written from the fine one", () => {
    for (const [count, stride] of [
      [200, 1],
      [257, 7],
      [3_000, 3],
      [1_000, 1],
      [1_001, 3],
      [20_000, 1],
      [60_000, 5],
    ] as const) {
      const all = columnsOf(spiky(count, stride));
      const fine = gridPreview(all, count).columns;
      const coarse = gridPreview(fine, count, COARSE_PREVIEW).columns;
      expect(coarse).toEqual(gridPreview(all, count, COARSE_PREVIEW).columns);
      expect(coarse.steps.length).toBeLessThanOrEqual(Math.max(COARSE_PREVIEW.wholeUpTo, 2 * 126 + 2));
      // The extremes and both ends survive.
      const values = Array.from(coarse.values);
      expect(Math.max(...values)).toBe(Math.max(...all.values));
      expect(Math.min(...values)).toBe(Math.min(...all.values));
      expect([coarse.steps[0], coarse.steps.at(-1)]).toEqual([all.steps[0], all.steps.at(-1)]);
    }
  });

  it("keeps a series of up to 256 points whole, and serves a longer one only requests of up to 128 points", () => {
    const short = columnsOf(spiky(256, 1));
    expect(gridPreview(short, 256, COARSE_PREVIEW)).toEqual({ columns: short, grid: null });
    const long = gridPreview(columnsOf(spiky(5_000, 1)), 5_000, COARSE_PREVIEW).columns;
    const packed = packColumns(long);
    expect(unpackColumns(packed)).toEqual(long);
    expect(previewCovers(packed, 5_000, 128, COARSE_PREVIEW)).toBe(true);
    expect(previewCovers(packed, 5_000, 129, COARSE_PREVIEW)).toBe(false);
    expect(previewCovers(packColumns(short), 256, 1_000, COARSE_PREVIEW)).toBe(true);
  });
});

describe("rangeCurve", () => {
  const columnsOf = (steps: number[]) => ({
    steps: Int32Array.from(steps),
    values: Float64Array.from(steps, (step) => step * 10),
  });
  const stepsOf = (columns: { steps: Int32Array }) => [...columns.steps];

  it("keeps the points within the range and the nearest one on each side", () => {
    const columns = columnsOf([0, 5, 10, 15, 20, 25]);
    expect(stepsOf(rangeCurve(columns, [10, 20], 100))).toEqual([5, 10, 15, 20, 25]);
    expect(stepsOf(rangeCurve(columns, [6, 9], 100))).toEqual([5, 10]);
    expect(stepsOf(rangeCurve(columns, [-9, 0], 100))).toEqual([0, 5]);
    expect(stepsOf(rangeCurve(columns, [25, 99], 100))).toEqual([20, 25]);
    expect(stepsOf(rangeCurve(columns, [30, 99], 100))).toEqual([25]);
    expect(stepsOf(rangeCurve(columns, [-9, -1], 100))).toEqual([0]);
    expect(stepsOf(rangeCurve(columnsOf([]), [0, 9], 100))).toEqual([]);
    expect([...rangeCurve(columns, [10, 20], 100).values]).toEqual([50, 100, 150, 200, 250]);
  });

  it("downsamples the range to the budget less its two neighbours, keeping the range's extremes", () => {
    const points = noisy(10_000);
    const columns = {
      steps: Int32Array.from(points, (p) => p.step),
      values: Float64Array.from(points, (p) => p.value),
    };
    const curve = rangeCurve(columns, [2_000, 5_999], 66);
    expect(curve.steps.length).toBeLessThanOrEqual(66);
    expect([curve.steps[0], curve.steps[1], curve.steps.at(-2), curve.steps.at(-1)]).toEqual([
      1_999, 2_000, 5_999, 6_000,
    ]);
    const inside = points.slice(2_000, 6_000).map((p) => p.value);
    const kept = [...curve.values].slice(1, -1);
    expect(Math.max(...kept)).toBe(Math.max(...inside));
    expect(Math.min(...kept)).toBe(Math.min(...inside));
  });
});
