import { zFor } from "@/server/services/quality/estimators/normal-quantile";

/**
 * The Hájek ratio estimator of a population ratio R = Σ y / Σ x from a Poisson sample with inclusion probabilities π:
 * R̂ = Σ w·y / Σ w·x with w = 1/π, and its Taylor-linearised variance
 * V̂(R̂) = Σ (1 − π_i)/π_i² · z_i²,  z_i = (y_i − R̂·x_i) / X̂,  X̂ = Σ w·x.
 * Invariants: a ratio whose denominator is zero is undefined (null), never 0; a row with π = 1 adds no variance;
 * fewer than two rows give no interval (a variance cannot be estimated from one row).
 */
export type RatioTerm = { y: number; x: number; pi: number };

export type Interval = { lower: number; upper: number };

export type Estimate = {
  /** The point estimate; null when undefined (no row in the denominator, e.g. no prediction of the class). */
  value: number | null;
  standardError: number | null;
  /** The confidence interval at `confidence`; null when the value is undefined or fewer than two rows back it. */
  interval: Interval | null;
  /** Labelled rows behind the number (rows with x ≠ 0). */
  n: number;
  /** Kish's effective sample size (Σw)² / Σw² over those rows; null when n = 0. */
  effectiveN: number | null;
};

export type EstimateOptions = { confidence: number; bounds?: Interval };

export const DEFAULT_CONFIDENCE = 0.95;

export function checkInclusionProbability(pi: number): void {
  if (!(pi > 0 && pi <= 1)) throw new RangeError(`An inclusion probability must be in (0, 1], got ${pi}`);
}

export function kishEffectiveN(weights: readonly number[]): number | null {
  if (weights.length === 0) return null;
  let sum = 0;
  let squares = 0;
  for (const w of weights) {
    sum += w;
    squares += w * w;
  }
  return (sum * sum) / squares;
}

export function clampInterval(interval: Interval, bounds: Interval | undefined): Interval {
  if (!bounds) return interval;
  return {
    lower: Math.min(Math.max(interval.lower, bounds.lower), bounds.upper),
    upper: Math.max(Math.min(interval.upper, bounds.upper), bounds.lower),
  };
}

export function undefinedEstimate(n: number, effectiveN: number | null): Estimate {
  return { value: null, standardError: null, interval: null, n, effectiveN };
}

export function ratioEstimate(terms: readonly RatioTerm[], options: EstimateOptions): Estimate {
  let numerator = 0;
  let denominator = 0;
  const weights: number[] = [];
  for (const term of terms) {
    checkInclusionProbability(term.pi);
    numerator += term.y / term.pi;
    denominator += term.x / term.pi;
    if (term.x !== 0) weights.push(1 / term.pi);
  }
  const n = weights.length;
  const effectiveN = kishEffectiveN(weights);
  if (denominator === 0) return undefinedEstimate(n, effectiveN);
  const value = numerator / denominator;
  let variance = 0;
  for (const term of terms) {
    const z = (term.y - value * term.x) / denominator;
    variance += ((1 - term.pi) / (term.pi * term.pi)) * z * z;
  }
  const standardError = Math.sqrt(variance);
  if (n < 2) return { value, standardError: null, interval: null, n, effectiveN };
  const half = zFor(options.confidence) * standardError;
  const interval = clampInterval({ lower: value - half, upper: value + half }, options.bounds);
  return { value, standardError, interval, n, effectiveN };
}
