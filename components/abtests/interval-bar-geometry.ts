type Interval = { estimate: number | null; lower: number | null; upper: number | null };

/**
 * The half-width of a shared scale for intervals drawn around 0: the largest distance from 0 of any bound or
 * estimate, with a little room at the ends; null when nothing has a bound.
 */
export function intervalExtent(intervals: readonly Interval[]): number | null {
  const distances = intervals.flatMap((i) => [i.lower, i.upper, i.estimate]).filter((v): v is number => v !== null);
  const largest = Math.max(0, ...distances.map(Math.abs));
  return largest > 0 ? largest * 1.1 : null;
}

export type IntervalBarGeometry = {
  /** Positions across the bar, 0–100 (%): 0 sits at 50. */
  zero: number;
  left: number;
  right: number;
  estimate: number | null;
};

const position = (value: number, extent: number) => Math.min(100, Math.max(0, 50 + (50 * value) / extent));

/** Where an interval lies on a scale from −extent to +extent; null without bounds or a scale. */
export function intervalBarGeometry(interval: Interval, extent: number | null): IntervalBarGeometry | null {
  const { lower, upper, estimate } = interval;
  if (lower === null || upper === null || extent === null || !(extent > 0)) return null;
  return {
    zero: 50,
    left: position(lower, extent),
    right: position(upper, extent),
    estimate: estimate === null ? null : position(estimate, extent),
  };
}
