/**
 * A Prometheus latency histogram of one variant over the window: cumulative counts per `le` bound (from
 * `sum by (variant, le) (increase(..._bucket[w]))`), sorted, +Inf last.
 */
export type CumulativeHistogram = Array<{ le: number; count: number }>;

/** Groups `{variant, le}` samples into one sorted cumulative histogram per variant. */
export function histogramsByVariant(
  samples: ReadonlyArray<{ metric: Record<string, string>; value: number }>,
): Map<string, CumulativeHistogram> {
  const byVariant = new Map<string, CumulativeHistogram>();
  for (const s of samples) {
    const variant = s.metric.variant;
    const le = s.metric.le === "+Inf" ? Infinity : Number(s.metric.le);
    if (variant === undefined || Number.isNaN(le) || !Number.isFinite(s.value)) continue;
    let buckets = byVariant.get(variant);
    if (!buckets) byVariant.set(variant, (buckets = []));
    buckets.push({ le, count: s.value });
  }
  for (const buckets of byVariant.values()) {
    buckets.sort((a, b) => a.le - b.le);
    // increase() of each bucket is extrapolated separately; keep the cumulative counts monotone.
    for (let i = 1; i < buckets.length; i++) buckets[i]!.count = Math.max(buckets[i]!.count, buckets[i - 1]!.count);
  }
  return byVariant;
}

export const totalOf = (h: CumulativeHistogram): number => h.at(-1)?.count ?? 0;

export type HistogramQuantile = {
  seconds: number | null;
  bucketLower: number | null;
  bucketUpper: number | null;
  note: string | null;
};

/**
 * The q-quantile as Prometheus' histogram_quantile estimates it (linear within the bucket holding rank q·total), with
 * the bucket itself: the true quantile lies in [bucketLower, bucketUpper], which is the histogram's resolution there.
 */
export function histogramQuantile(h: CumulativeHistogram, q: number): HistogramQuantile {
  const total = totalOf(h);
  if (!(total > 0)) return { seconds: null, bucketLower: null, bucketUpper: null, note: "no requests in the window" };
  const rank = q * total;
  let previousLe = 0;
  let previousCount = 0;
  for (const { le, count } of h) {
    if (count >= rank && count > previousCount) {
      if (!Number.isFinite(le))
        return {
          seconds: null,
          bucketLower: previousLe,
          bucketUpper: null,
          note: `above the largest latency bucket (${previousLe} s)`,
        };
      const seconds = previousLe + ((le - previousLe) * (rank - previousCount)) / (count - previousCount);
      return { seconds, bucketLower: previousLe, bucketUpper: le, note: null };
    }
    previousLe = le;
    previousCount = count;
  }
  return { seconds: null, bucketLower: null, bucketUpper: null, note: "the histogram has no +Inf bucket" };
}

/** The smallest finite bucket bound at or above `seconds` (a share slower than it never overstates one slower than `seconds`). */
export function boundAtOrAbove(h: CumulativeHistogram, seconds: number): number | undefined {
  return h.find(({ le }) => Number.isFinite(le) && le >= seconds - 1e-12)?.le;
}

/** Requests slower than bucket bound `le` (total − cumulative count at `le`), and the total. */
export function slowerThan(h: CumulativeHistogram, le: number): { slower: number; total: number } {
  const total = totalOf(h);
  const at = h.find((b) => Math.abs(b.le - le) < 1e-12)?.count ?? 0;
  return { slower: Math.max(0, total - at), total };
}
