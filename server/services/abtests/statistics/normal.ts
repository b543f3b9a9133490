import { chiSquaredSurvival } from "@/lib/chi-squared";

/**
 * The standard normal upper tail P(Z > z). For z ≥ 0 it is ½·P(χ²₁ > z²) (Z² is χ² with one degree of freedom),
 * which lib/chi-squared computes by its continued fraction, so tails as small as 1e-300 keep their relative precision.
 */
export function normalSurvival(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const tail = 0.5 * chiSquaredSurvival(z * z, 1);
  return z >= 0 ? tail : 1 - tail;
}

/** The standard normal CDF Φ(z) = P(Z ≤ z). */
export function normalCdf(z: number): number {
  return normalSurvival(-z);
}

/** The two-sided p-value of a z statistic: P(|Z| ≥ |z|) = 2·P(Z > |z|). */
export function twoSidedNormalPValue(z: number): number {
  return Math.min(1, 2 * normalSurvival(Math.abs(z)));
}
