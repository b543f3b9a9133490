import { populationStabilityIndex, PSI_EPSILON } from "@/server/services/drift/psi";

/**
 * PSI straight from raw samples (typed arrays), for large offline comparisons. The bins are the ones
 * computeReferenceProfile makes (sample values at the k/B quantiles, NumPy method "lower", ties collapsed, edges
 * below the maximum) with the same `le` convention, found without sorting whole columns:
 * 1. a strided sample of the reference proposes pivots a few standard errors either side of each quantile;
 * 2. one branch-free pass counts the reference per region between pivots and notes each value's region;
 * 3. only the regions holding a quantile's rank are copied out, and the exact order statistic is selected there;
 * 4. reference counts per bin follow from the region counts plus the copied regions, production takes one more pass.
 * Every step is exact; a poor sample only makes the copied regions larger.
 */

const PIVOT_SAMPLE = 16_384;

function swap(a: Float64Array, i: number, j: number) {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/** Rearranges a[lo..hi] so that a[k] is its (k−lo)-th smallest and nothing before it is larger (Hoare select). */
function selectInPlace(a: Float64Array, lo: number, hi: number, k: number) {
  let left = lo;
  let right = hi;
  for (;;) {
    if (right <= left + 1) {
      if (right === left + 1 && a[right]! < a[left]!) swap(a, left, right);
      return;
    }
    swap(a, (left + right) >>> 1, left + 1);
    if (a[left]! > a[right]!) swap(a, left, right);
    if (a[left + 1]! > a[right]!) swap(a, left + 1, right);
    if (a[left]! > a[left + 1]!) swap(a, left, left + 1);
    const pivot = a[left + 1]!;
    let i = left + 1;
    let j = right;
    for (;;) {
      do i++;
      while (a[i]! < pivot);
      do j--;
      while (a[j]! > pivot);
      if (j < i) break;
      swap(a, i, j);
    }
    a[left + 1] = a[j]!;
    a[j] = pivot;
    if (j >= k) right = j - 1;
    if (j <= k) left = i;
  }
}

/** Up to 31 edges take the unrolled five-level descent; more take the loop. */
const UNROLLED_STEPS = 5;

/** `+(a > b)` rather than `a > b ? 1 : 0`: V8 compiles the ternary to a branch, which random data mispredicts. */
function descendUnrolled(t: Float64Array, v: number): number {
  let b = +(v > t[15]!) << 4;
  b += +(v > t[b + 7]!) << 3;
  b += +(v > t[b + 3]!) << 2;
  b += +(v > t[b + 1]!) << 1;
  return b + +(v > t[b]!);
}

/**
 * The `le` bin of every value (how many edges lie below it), counted per bin and, when `binOf` is given, written to
 * it. Edges are padded with +∞ to 2^k − 1 entries so each value descends k levels with no data-dependent branch;
 * the hot loops are written out per case because a branch inside them slows V8 down several times.
 */
function classify(values: Float64Array, edges: ArrayLike<number>, binOf?: Uint16Array): Float64Array {
  let steps = UNROLLED_STEPS;
  while ((1 << steps) - 1 < edges.length) steps++;
  const t = new Float64Array((1 << steps) - 1).fill(Infinity);
  t.set(edges);
  const counts = new Float64Array(1 << steps);
  const n = values.length;
  if (steps === UNROLLED_STEPS && binOf) {
    for (let i = 0; i < n; i++) {
      const b = descendUnrolled(t, values[i]!);
      counts[b]! += 1;
      binOf[i] = b;
    }
  } else if (steps === UNROLLED_STEPS) {
    for (let i = 0; i < n; i++) counts[descendUnrolled(t, values[i]!)]! += 1;
  } else {
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      let b = 0;
      for (let step = 1 << (steps - 1); step > 0; step >>= 1) b += +(v > t[b + step - 1]!) * step;
      counts[b]! += 1;
      if (binOf) binOf[i] = b;
    }
  }
  return counts.slice(0, edges.length + 1);
}

/** Counts per bin (edges.length + 1 bins, `le` convention). */
export function sampleBinCounts(values: Float64Array, edges: readonly number[]): Float64Array {
  return classify(values, edges);
}

/** Pivots from a strided sample, ±4 standard errors of a sample quantile around each rank's expected place. */
function samplePivots(values: Float64Array, ranks: readonly number[]): number[] {
  const n = values.length;
  const size = Math.min(n, PIVOT_SAMPLE);
  const sample = new Float64Array(size);
  for (let i = 0; i < size; i++) sample[i] = values[Math.floor((i * n) / size)]!;
  sample.sort();
  const pivots: number[] = [];
  for (const rank of ranks) {
    const q = n > 1 ? rank / (n - 1) : 0;
    const margin = size === n ? 0 : Math.ceil(4 * Math.sqrt(size * q * (1 - q))) + 1;
    const place = q * (size - 1);
    const below = Math.floor(place - margin);
    const above = Math.ceil(place + margin);
    if (below >= 0) pivots.push(sample[below]!);
    if (above <= size - 1) pivots.push(sample[above]!);
  }
  return [...new Set(pivots)].sort((a, b) => a - b);
}

export type ReferenceBins = { edges: number[]; counts: Float64Array };

/** The reference's inner bin edges (see the file comment) and its count per bin; `values` is not modified. */
export function referenceBins(values: Float64Array, bins: number): ReferenceBins {
  const n = values.length;
  if (n === 0) return { edges: [], counts: new Float64Array(1) };
  const ranks = Array.from({ length: bins - 1 }, (_, i) => Math.floor((n - 1) * ((i + 1) / bins)));
  const pivots = samplePivots(values, ranks);
  const regionOf = new Uint16Array(n);
  const regionCounts = classify(values, pivots, regionOf);
  const start = new Float64Array(regionCounts.length);
  for (let r = 1; r < regionCounts.length; r++) start[r] = start[r - 1]! + regionCounts[r - 1]!;
  const regionOfRank = ranks.map((rank) => {
    let region = 0;
    while (region + 1 < start.length && start[region + 1]! <= rank) region++;
    return region;
  });

  // Copy out only the regions that hold a rank, into one buffer; every other value is written to a scratch slot at
  // its end that never advances, so the copy loop has no branch.
  const offset = new Float64Array(regionCounts.length);
  const advance = new Float64Array(regionCounts.length);
  let copied = 0;
  for (const region of new Set(regionOfRank)) {
    offset[region] = copied;
    advance[region] = 1;
    copied += regionCounts[region]!;
  }
  const buffer = new Float64Array(copied + 1);
  const regionStart = Float64Array.from(offset);
  for (let r = 0; r < regionCounts.length; r++) if (advance[r] === 0) offset[r] = copied;
  let maximum = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    maximum = Math.max(maximum, v);
    const region = regionOf[i]!;
    buffer[offset[region]!] = v;
    offset[region]! += advance[region]!;
  }

  const edges: number[] = [];
  const cumulative: number[] = [];
  ranks.forEach((rank, k) => {
    const region = regionOfRank[k]!;
    const lo = regionStart[region]!;
    const hi = lo + regionCounts[region]! - 1;
    const at = lo + rank - start[region]!;
    selectInPlace(buffer, lo, hi, at);
    const edge = buffer[at]!;
    if (edge >= maximum || (edges.length > 0 && edge <= edges[edges.length - 1]!)) return;
    // Selection leaves nothing larger before `at`, so the region's values ≤ edge are those up to `at` and its ties after.
    let atOrBelow = start[region]! + (at - lo) + 1;
    for (let i = at + 1; i <= hi; i++) if (buffer[i] === edge) atOrBelow++;
    edges.push(edge);
    cumulative.push(atOrBelow);
  });
  const counts = new Float64Array(edges.length + 1);
  cumulative.forEach((atOrBelow, k) => (counts[k] = atOrBelow - (k > 0 ? cumulative[k - 1]! : 0)));
  counts[edges.length] = n - (cumulative[cumulative.length - 1] ?? 0);
  return { edges, counts };
}

/** Inner bin edges of a reference sample (see the file comment); `values` is not modified. */
export function sampleQuantileEdges(values: Float64Array, bins: number): number[] {
  return referenceBins(values, bins).edges;
}

export type SamplePsi = { edges: number[]; referenceCounts: Float64Array; productionCounts: Float64Array; psi: number };

/** PSI of `production` against `reference`, binned at the reference's quantiles. */
export function samplePsi(
  reference: Float64Array,
  production: Float64Array,
  bins = 10,
  epsilon = PSI_EPSILON,
): SamplePsi {
  const { edges, counts: referenceCounts } = referenceBins(reference, bins);
  const productionCounts = classify(production, edges);
  const proportions = Array.from(referenceCounts, (count) => count / reference.length);
  return {
    edges,
    referenceCounts,
    productionCounts,
    psi: populationStabilityIndex(proportions, Array.from(productionCounts), epsilon),
  };
}
