import { describe, expect, it } from "vitest";
import {
  CURVE_POINT_BUDGET,
  CURVE_STREAM_END,
  CurveStreamError,
  CurveStreamReader,
  curvePointsPerSeries,
  curveStreamInput,
  encodeCurveFrame,
  encodeCurveHeader,
  MAX_CURVE_POINTS,
  MIN_CURVE_POINTS,
  type CurveFrame,
} from "@/contracts/curve-frames";

const frame = (steps: number[], values: number[], extra: Partial<CurveFrame> = {}): CurveFrame => ({
  runIndex: 3,
  metricIndex: 1,
  totalPoints: 5_000,
  steps: Int32Array.from(steps),
  values: Float64Array.from(values),
  ...extra,
});

const header = encodeCurveHeader({ runCount: 65_535, metricCount: 255, pointsPerSeries: 160 });

function stream(frames: CurveFrame[]): Uint8Array {
  const parts = [header, ...frames.map(encodeCurveFrame), CURVE_STREAM_END];
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

function readAll(bytes: Uint8Array, chunkSize: number) {
  const reader = new CurveStreamReader();
  const frames: CurveFrame[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += chunkSize) {
    frames.push(...reader.push(bytes.subarray(offset, offset + chunkSize)));
  }
  return { reader, frames };
}

describe("the curve stream encoding", () => {
  const frames = [
    frame([0, 1, 2, 130, 20_000, 2_147_483_647], [0.5, -1.25, 0, 1e-30, -3e38, 42]),
    frame([7], [Math.PI], { runIndex: 0, metricIndex: 0, totalPoints: 1 }),
    frame([], [], { runIndex: 65_534, metricIndex: 254, totalPoints: 0 }),
    frame([-5, 1_000_000], [Number.POSITIVE_INFINITY, Number.NaN], { runIndex: 1, metricIndex: 0 }),
  ];

  it("round-trips header and frames however the bytes are cut into chunks", () => {
    const bytes = stream(frames);
    for (const chunkSize of [1, 2, 3, 7, 64, bytes.byteLength]) {
      const { reader, frames: read } = readAll(bytes, chunkSize);
      expect(reader.header).toEqual({ runCount: 65_535, metricCount: 255, pointsPerSeries: 160 });
      expect(reader.ended).toBe(true);
      expect(read.map((f) => [f.runIndex, f.metricIndex, f.totalPoints, [...f.steps]])).toEqual(
        frames.map((f) => [f.runIndex, f.metricIndex, f.totalPoints, [...f.steps]]),
      );
      // float32: each value within float32's rounding; NaN and ±Infinity kept.
      read.forEach((f, i) => {
        const expected = frames[i]?.values ?? new Float64Array();
        expect([...f.values]).toEqual([...expected].map((v) => Math.fround(v)));
      });
    }
  });

  it("carries float64 when a finite value is outside float32's normal range, exactly", () => {
    const wide = frame([1, 2, 3], [1e300, -0.1, Number.MAX_VALUE]);
    const { frames: read } = readAll(stream([wide]), 5);
    expect([...(read[0]?.values ?? [])]).toEqual([1e300, -0.1, Number.MAX_VALUE]);
    const tiny = readAll(stream([frame([1, 2], [1e-50, 0])]), 64).frames[0];
    expect([...(tiny?.values ?? [])]).toEqual([1e-50, 0]);
    expect(encodeCurveFrame(wide).byteLength).toBeGreaterThan(encodeCurveFrame(frame([1, 2, 3], [1, 2, 3])).byteLength);
  });

  it("writes step increments as varints: a 1,000-step curve takes about 5 bytes a point", () => {
    const steps = Array.from({ length: 1_000 }, (_, i) => i * 5);
    const bytes = encodeCurveFrame(frame(steps, steps.map(Math.sqrt)));
    expect(bytes.byteLength).toBe(4 + 12 + 4 + 999 + 4_000);
  });

  it("refuses steps that do not ascend, and a value per step", () => {
    expect(() => encodeCurveFrame(frame([1, 1], [0, 0]))).toThrow(/ascend/);
    expect(() => encodeCurveFrame(frame([2, 1], [0, 0]))).toThrow(/ascend/);
    expect(() => encodeCurveFrame(frame([1, 2], [0]))).toThrow(/one value per step/);
  });

  it("tells a stream cut short from a whole one, and refuses what is not a curve stream", () => {
    const bytes = stream(frames);
    const cut = readAll(bytes.subarray(0, bytes.byteLength - 10), 16);
    expect(cut.reader.ended).toBe(false);
    expect(cut.frames.length).toBeLessThan(frames.length);
    expect(() => new CurveStreamReader().push(new TextEncoder().encode("<html>not curves</html>"))).toThrow(
      CurveStreamError,
    );
    const trailing = new Uint8Array(bytes.byteLength + 1);
    trailing.set(bytes);
    expect(() => readAll(trailing, trailing.byteLength)).toThrow(/after the end/);
  });

  it("refuses frames that contradict themselves or the header, without allocating what they claim", () => {
    const good = encodeCurveFrame(frame([1, 2, 3], [1, 2, 3]));
    const withHeader = (bad: Uint8Array) => {
      const bytes = new Uint8Array(header.byteLength + bad.byteLength);
      bytes.set(header);
      bytes.set(bad, header.byteLength);
      return bytes;
    };
    const edited = (edit: (view: DataView) => void) => {
      const bad = good.slice();
      edit(new DataView(bad.buffer));
      return withHeader(bad);
    };
    expect(() => new CurveStreamReader().push(edited((v) => v.setUint32(12, 50, true)))).toThrow(/inside its points/);
    expect(() => new CurveStreamReader().push(edited((v) => v.setUint32(12, 0xffffffff, true)))).toThrow(
      /inside its points/,
    );
    expect(() => new CurveStreamReader().push(edited((v) => v.setUint8(7, 2)))).toThrow(/unknown flags/);
    expect(() => new CurveStreamReader().push(edited((v) => v.setUint16(4, 65_535, true)))).toThrow(/does not have/);
    expect(() => new CurveStreamReader().push(edited((v) => v.setUint8(6, 255)))).toThrow(/does not have/);
  });

  it("round-trips step increments up to the whole int32 range", () => {
    const { frames: read } = readAll(stream([frame([-2_147_483_648, 2_147_483_647], [1, 2])]), 3);
    expect([...(read[0]?.steps ?? [])]).toEqual([-2_147_483_648, 2_147_483_647]);
  });
});

describe("points per series", () => {
  it("is two a pixel and both ends for few runs, shares the budget among many, never below the floor", () => {
    expect(curvePointsPerSeries(300, 12)).toBe(602);
    expect(curvePointsPerSeries(600, 12)).toBe(MAX_CURVE_POINTS);
    expect(curvePointsPerSeries(600, 200)).toBe(CURVE_POINT_BUDGET / 200);
    expect(curvePointsPerSeries(600, 1_000)).toBe(MIN_CURVE_POINTS);
    expect(curvePointsPerSeries(64, 1)).toBe(130);
  });

  it("refuses bad requests", () => {
    const ok = { runIds: ["a"], metricKeys: ["loss"], width: 640 };
    expect(curveStreamInput.safeParse(ok).success).toBe(true);
    expect(curveStreamInput.safeParse({ metricKeys: ["loss"], width: 640, selection: "A".repeat(22) }).success).toBe(
      true,
    );
    for (const bad of [
      { ...ok, runIds: [] },
      { ...ok, runIds: ["a", "a"] },
      { ...ok, runIds: Array.from({ length: 1_001 }, (_, i) => `r${i}`) },
      { ...ok, metricKeys: [] },
      { ...ok, metricKeys: Array.from({ length: 13 }, (_, i) => `m${i}`) },
      { ...ok, width: 10.5 },
      { ...ok, width: 8 },
      { ...ok, width: 100_000 },
      { ...ok, selection: "A".repeat(22) },
      { metricKeys: ["loss"], width: 640 },
      { metricKeys: ["loss"], width: 640, selection: "A".repeat(21) },
    ]) {
      expect(curveStreamInput.safeParse(bad).success).toBe(false);
    }
  });
});
