import { z } from "zod";
import { runSelectionIdSchema } from "@/contracts/experiments";

/**
 * The compare page's metric curves on the wire: a binary stream sized to the chart's pixel width, columnar per
 * series, written run by run so the first curves draw while the rest load.
 *
 * Layout (little-endian):
 * - header: "MPC1", u16 run count, u8 metric count, u8 reserved (0), u32 points per series;
 * - one frame per series that has points: u32 length of the rest of the frame, u16 run index (into `runIds`),
 *   u8 metric index (into `metricKeys`), u8 flags (bit 0: values are float64, else float32), u32 points in the
 *   stored series, u32 points in this frame (n), then when n > 0: i32 first step, n − 1 step increments as unsigned
 *   LEB128 varints (steps ascend strictly), and n values;
 * - an end frame: a u32 length of 0. A stream without it was cut short.
 * Values are float32 (about 7 significant digits: a pixel of a chart is far coarser) unless one of the series'
 * finite values lies outside float32's normal range, when the frame carries float64.
 */

export const MAX_CURVE_RUNS = 1_000;
export const MAX_CURVE_METRICS = 12;
export const MIN_CURVE_WIDTH = 32;
export const MAX_CURVE_WIDTH = 4_096;
/** Points all curves of one chart may carry together; 200 runs get 160 points each, about 0.8 MB for 5 charts. */
export const CURVE_POINT_BUDGET = 32_000;
/** The fewest points a thinned series gets however many runs are compared: 31 min/max buckets and both ends. */
export const MIN_CURVE_POINTS = 64;
/**
 * The most points a series gets, however wide the chart: the resolution of the preview stored with each series, so
 * curves are served from previews rather than bucketed again from every point (about one point per pixel beyond 500).
 */
export const MAX_CURVE_POINTS = 1_000;

/** A zoomed chart's steps [from, to], both included. */
export type StepRange = readonly [number, number];

/** Steps are stored as 32-bit integers. */
export const MIN_STEP = -(2 ** 31);
export const MAX_STEP = 2 ** 31 - 1;

export const CURVE_STREAM_CONTENT_TYPE = "application/vnd.modelport.curves";

const MAGIC = [0x4d, 0x50, 0x43, 0x31]; // "MPC1"
const HEADER_BYTES = 12;
const FRAME_FIXED_BYTES = 12; // after the length: run index, metric index, flags, total points, point count
const FLOAT64_FLAG = 1;
const FLOAT32_MAX = 3.4028234663852886e38;
const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

/** The runs by id, or a saved selection's (`runIndex` in frames counts in the selection's order). */
export const curveStreamInput = z
  .object({
    runIds: z
      .array(z.string().trim().min(1).max(64))
      .min(1, "Pick at least one run")
      .max(MAX_CURVE_RUNS, `Draw at most ${MAX_CURVE_RUNS} runs`)
      .refine((ids) => new Set(ids).size === ids.length, "Run ids must be unique")
      .optional(),
    selection: runSelectionIdSchema.optional(),
    metricKeys: z
      .array(z.string().trim().min(1).max(250))
      .min(1, "Pick at least one metric")
      .max(MAX_CURVE_METRICS, `Draw at most ${MAX_CURVE_METRICS} metrics`)
      .refine((keys) => new Set(keys).size === keys.length, "Metric keys must be unique"),
    width: z
      .number()
      .int("The width is a whole number of pixels")
      .min(MIN_CURVE_WIDTH, `The width is at least ${MIN_CURVE_WIDTH} pixels`)
      .max(MAX_CURVE_WIDTH, `The width is at most ${MAX_CURVE_WIDTH} pixels`),
    /**
     * A zoomed chart's step range [from, to]: each series' points within it, sized to the width, and its nearest
     * point on each side (so lines reach the edges). Without it, every step.
     */
    steps: z
      .tuple([z.number().int().min(MIN_STEP).max(MAX_STEP), z.number().int().min(MIN_STEP).max(MAX_STEP)])
      .refine(([from, to]) => from < to, "The step range must end after it starts")
      .optional(),
  })
  .refine(
    (input) => (input.runIds === undefined) !== (input.selection === undefined),
    "Name the runs either by runIds or by a saved selection",
  );

export type CurveStreamInput = z.infer<typeof curveStreamInput>;

/**
 * Points each series gets: two per pixel of the chart's width (a min/max bucket per pixel) and both ends, at most
 * MAX_CURVE_POINTS, fewer when many runs share the chart (each chart's curves stay within CURVE_POINT_BUDGET), never
 * fewer than MIN_CURVE_POINTS.
 */
export function curvePointsPerSeries(width: number, runCount: number): number {
  const perPixel = 2 * width + 2;
  const shared = Math.floor(CURVE_POINT_BUDGET / Math.max(1, runCount));
  return Math.min(MAX_CURVE_POINTS, perPixel, Math.max(MIN_CURVE_POINTS, shared));
}

export type CurveStreamHeader = { runCount: number; metricCount: number; pointsPerSeries: number };

export type CurveFrame = {
  runIndex: number;
  metricIndex: number;
  totalPoints: number;
  steps: Int32Array;
  values: Float64Array;
};

export function encodeCurveHeader(header: CurveStreamHeader): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint16(4, header.runCount, true);
  view.setUint8(6, header.metricCount);
  view.setUint32(8, header.pointsPerSeries, true);
  return bytes;
}

export const CURVE_STREAM_END = new Uint8Array(4);

function varintLength(value: number): number {
  let length = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) length += 1;
  return length;
}

/** A finite value float32 would turn into ±Infinity, or a tiny one it would lose precision on (or flush to 0). */
function needsFloat64(values: Float64Array): boolean {
  return values.some((value) => {
    const size = Math.abs(value);
    return Number.isFinite(value) && (size > FLOAT32_MAX || (size > 0 && size < FLOAT32_MIN_NORMAL));
  });
}

function stepIncrements(steps: Int32Array): number[] {
  const increments: number[] = [];
  for (let i = 1; i < steps.length; i++) {
    const increment = (steps[i] ?? 0) - (steps[i - 1] ?? 0);
    if (increment <= 0) throw new Error("A curve's steps must ascend strictly");
    increments.push(increment);
  }
  return increments;
}

export function encodeCurveFrame(frame: CurveFrame): Uint8Array {
  const count = frame.steps.length;
  if (frame.values.length !== count) throw new Error("A curve has one value per step");
  const wide = needsFloat64(frame.values);
  const increments = stepIncrements(frame.steps);
  const stepBytes = count === 0 ? 0 : 4 + increments.reduce((sum, increment) => sum + varintLength(increment), 0);
  const body = FRAME_FIXED_BYTES + stepBytes + count * (wide ? 8 : 4);
  const bytes = new Uint8Array(4 + body);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, body, true);
  view.setUint16(4, frame.runIndex, true);
  view.setUint8(6, frame.metricIndex);
  view.setUint8(7, wide ? FLOAT64_FLAG : 0);
  view.setUint32(8, frame.totalPoints, true);
  view.setUint32(12, count, true);
  let offset = 16;
  if (count > 0) {
    view.setInt32(offset, frame.steps[0] ?? 0, true);
    offset += 4;
  }
  for (const increment of increments) {
    let rest = increment;
    while (rest >= 0x80) {
      bytes[offset++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    bytes[offset++] = rest;
  }
  for (const value of frame.values) {
    if (wide) view.setFloat64(offset, value, true);
    else view.setFloat32(offset, value, true);
    offset += wide ? 8 : 4;
  }
  return bytes;
}

/** The stream is not in this format, or a frame contradicts itself. */
export class CurveStreamError extends Error {}

function decodeFrameBody(bytes: Uint8Array): CurveFrame {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < FRAME_FIXED_BYTES) throw new CurveStreamError("A curve frame is too short");
  const flags = view.getUint8(3);
  if ((flags & ~FLOAT64_FLAG) !== 0) throw new CurveStreamError("A curve frame has unknown flags");
  const count = view.getUint32(8, true);
  const wide = (flags & FLOAT64_FLAG) !== 0;
  // Each point takes at least one byte of step and its value: a count the frame cannot hold is refused unallocated.
  if (count > 0 && count * (wide ? 9 : 5) > bytes.byteLength - FRAME_FIXED_BYTES - 3) {
    throw new CurveStreamError("A curve frame ends inside its points");
  }
  const steps = new Int32Array(count);
  const values = new Float64Array(count);
  let offset = FRAME_FIXED_BYTES;
  const need = (length: number) => {
    if (offset + length > bytes.byteLength) throw new CurveStreamError("A curve frame ends inside its points");
  };
  if (count > 0) {
    need(4);
    steps[0] = view.getInt32(offset, true);
    offset += 4;
  }
  for (let i = 1; i < count; i++) {
    let increment = 0;
    let scale = 1;
    for (let length = 1; ; length++) {
      if (length > 5) throw new CurveStreamError("A curve frame has a step increment too long");
      need(1);
      const byte = bytes[offset++] ?? 0;
      increment += (byte & 0x7f) * scale;
      scale *= 0x80;
      if (byte < 0x80) break;
    }
    steps[i] = (steps[i - 1] ?? 0) + increment;
  }
  need(count * (wide ? 8 : 4));
  for (let i = 0; i < count; i++) {
    values[i] = wide ? view.getFloat64(offset, true) : view.getFloat32(offset, true);
    offset += wide ? 8 : 4;
  }
  if (offset !== bytes.byteLength) throw new CurveStreamError("A curve frame has bytes after its points");
  return {
    runIndex: view.getUint16(0, true),
    metricIndex: view.getUint8(2),
    totalPoints: view.getUint32(4, true),
    steps,
    values,
  };
}

/**
 * Reads the stream as its chunks arrive, however they are cut: `push` returns the frames completed by a chunk; the
 * header is available once its bytes have arrived, and `ended` once the end frame has.
 */
export class CurveStreamReader {
  private pending = new Uint8Array(0);
  header: CurveStreamHeader | null = null;
  ended = false;

  push(chunk: Uint8Array): CurveFrame[] {
    if (this.ended && chunk.byteLength > 0) throw new CurveStreamError("Bytes after the end of the curve stream");
    const joined = new Uint8Array(this.pending.byteLength + chunk.byteLength);
    joined.set(this.pending, 0);
    joined.set(chunk, this.pending.byteLength);
    let offset = 0;
    if (!this.header) {
      if (joined.byteLength < HEADER_BYTES) {
        this.pending = joined;
        return [];
      }
      this.header = readHeader(joined);
      offset = HEADER_BYTES;
    }
    const frames: CurveFrame[] = [];
    while (!this.ended && joined.byteLength - offset >= 4) {
      const length = new DataView(joined.buffer, offset, 4).getUint32(0, true);
      if (length === 0) {
        this.ended = true;
        offset += 4;
        if (offset !== joined.byteLength) throw new CurveStreamError("Bytes after the end of the curve stream");
        break;
      }
      if (joined.byteLength - offset - 4 < length) break;
      frames.push(withinHeader(decodeFrameBody(joined.subarray(offset + 4, offset + 4 + length)), this.header));
      offset += 4 + length;
    }
    this.pending = joined.slice(offset);
    return frames;
  }
}

function withinHeader(frame: CurveFrame, header: CurveStreamHeader): CurveFrame {
  if (frame.runIndex >= header.runCount || frame.metricIndex >= header.metricCount) {
    throw new CurveStreamError("A curve frame names a run or metric the stream does not have");
  }
  return frame;
}

function readHeader(bytes: Uint8Array): CurveStreamHeader {
  if (MAGIC.some((byte, i) => bytes[i] !== byte)) throw new CurveStreamError("Not a curve stream");
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  return { runCount: view.getUint16(4, true), metricCount: view.getUint8(6), pointsPerSeries: view.getUint32(8, true) };
}
