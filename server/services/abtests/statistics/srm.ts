import { chiSquaredSurvival } from "@/lib/chi-squared";

export interface SrmResult {
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
  expected: number[];
  mismatch: boolean;
}

/** The default SRM threshold: flag a mismatch at p < 0.001 (the usual industry choice, e.g. Kohavi et al. 2020). */
export const SRM_P_THRESHOLD = 0.001;

/**
 * Sample-ratio mismatch: Pearson's χ² goodness-of-fit of the per-variant assignment counts against the configured
 * weights (normalised to sum 1). Expected eᵢ = N·wᵢ, statistic Σ (oᵢ − eᵢ)² / eᵢ, k − 1 degrees of freedom,
 * p = P(χ²_{k−1} > statistic); `mismatch` when p < threshold. Same as scipy.stats.chisquare(counts, expected).
 * Reference: Fabijan et al., "Diagnosing Sample Ratio Mismatch in Online Controlled Experiments", KDD 2019.
 */
export function sampleRatioMismatch(
  counts: readonly number[],
  weights: readonly number[],
  threshold = SRM_P_THRESHOLD,
): SrmResult {
  if (counts.length !== weights.length || counts.length < 2) {
    throw new RangeError("SRM needs at least two variants and one weight per count");
  }
  if (weights.some((w) => !(w > 0))) throw new RangeError("Every variant in an SRM check needs a positive weight");
  if (counts.some((c) => !(c >= 0))) throw new RangeError("Assignment counts must be non-negative");
  const total = counts.reduce((sum, c) => sum + c, 0);
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  const expected = weights.map((w) => (total * w) / weightSum);
  const degreesOfFreedom = counts.length - 1;
  if (total === 0) return { statistic: 0, degreesOfFreedom, pValue: 1, expected, mismatch: false };
  const statistic = counts.reduce((sum, c, i) => sum + (c - expected[i]!) ** 2 / expected[i]!, 0);
  const pValue = chiSquaredSurvival(statistic, degreesOfFreedom);
  return { statistic, degreesOfFreedom, pValue, expected, mismatch: pValue < threshold };
}
