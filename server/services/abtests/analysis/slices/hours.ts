const HOUR_MS = 3_600_000;

/** The whole hours of a window: hours in [firstHour, throughHour) are sliced, the window's ragged ends read raw. */
export type SliceSpan = { firstHour: Date; throughHour: Date };

/**
 * The whole hours inside [start, end]: from the first hour boundary at or after start to the last at or before end.
 * Null when the window holds no whole hour (then all of it is read raw).
 */
export function wholeHours(start: Date, end: Date): SliceSpan | null {
  const firstHour = Math.ceil(start.getTime() / HOUR_MS) * HOUR_MS;
  const throughHour = Math.floor(end.getTime() / HOUR_MS) * HOUR_MS;
  if (throughHour <= firstHour) return null;
  return { firstHour: new Date(firstHour), throughHour: new Date(throughHour) };
}

/** A range of predictedAt read from the prediction log: [from, to), or [from, to] when `inclusive`. */
export type RawRange = { from: Date; to: Date; inclusive: boolean };

/** What a look reads raw around the slices: [start, firstHour) and [throughHour, end]; all of [start, end] without. */
export function rawRanges(start: Date, end: Date, span: SliceSpan | null): RawRange[] {
  if (!span) return [{ from: start, to: end, inclusive: true }];
  const ranges: RawRange[] = [];
  if (start < span.firstHour) ranges.push({ from: start, to: span.firstHour, inclusive: false });
  ranges.push({ from: span.throughHour, to: end, inclusive: true });
  return ranges;
}
