/**
 * Population Stability Index between a version's reference distribution and production, over the bins of
 * contracts/feature-bins.ts (which states the bin convention).
 */

/**
 * Stands in for an empty bin's proportion (on either side) before renormalising. ln(p / ε) must stay finite, and
 * ε must sit well below 1/(rows in a window) for the windows we alert on (≥ 500 rows ⇒ 1/n ≤ 2e-3), so a bin that
 * is merely unlucky in a small window adds little, while a bin that is truly new still adds p·ln(p/ε) ≈ p·9.2.
 */
export const PSI_EPSILON = 1e-4;

/** Proportions with every zero replaced by ε, then scaled back to sum 1. */
function smoothed(counts: readonly number[], epsilon: number): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const raw = counts.map((count) => Math.max(count / total, epsilon));
  const sum = raw.reduce((acc, value) => acc + value, 0);
  return raw.map((value) => value / sum);
}

/**
 * PSI = Σ (pᵢ − qᵢ)·ln(pᵢ / qᵢ) with p = production proportions (from counts) and q = reference proportions. Zero
 * proportions on either side are replaced by `epsilon` and each side renormalised to sum 1, so an empty bin
 * contributes a large but finite term. NaN when production has no rows (there is nothing to compare yet).
 */
export function populationStabilityIndex(
  referenceProportions: readonly number[],
  productionCounts: readonly number[],
  epsilon: number = PSI_EPSILON,
): number {
  if (referenceProportions.length !== productionCounts.length) {
    throw new RangeError(
      `Reference has ${referenceProportions.length} bins but production has ${productionCounts.length}`,
    );
  }
  const rows = productionCounts.reduce((sum, count) => sum + count, 0);
  if (!(rows > 0)) return NaN;
  const q = smoothed(referenceProportions, epsilon);
  const p = smoothed(productionCounts, epsilon);
  let psi = 0;
  for (let i = 0; i < p.length; i++) psi += (p[i]! - q[i]!) * Math.log(p[i]! / q[i]!);
  return psi;
}

/** Re-exported: lib/drift-noise.ts holds the no-drift expectation and the noise ceiling beside it. */
export { expectedPsiUnderNoDrift } from "@/lib/drift-noise";

/**
 * Per-bin counts from cumulative `le` buckets (as `increase(x_bucket[w])` returns them, +Inf included): sorted by
 * `le` and differenced. A counter reset inside the window can make a difference slightly negative; that is clamped
 * to 0.
 */
export function countsFromCumulativeBuckets(cumulative: ReadonlyArray<{ le: number; count: number }>): number[] {
  if (cumulative.some(({ le }) => Number.isNaN(le)))
    throw new RangeError("A bucket bound is NaN (parse le with parseBucketBound)");
  const sorted = [...cumulative].sort((a, b) => a.le - b.le);
  let previous = 0;
  return sorted.map(({ count }) => {
    const inBin = Math.max(0, count - previous);
    previous = Math.max(previous, count);
    return inBin;
  });
}
