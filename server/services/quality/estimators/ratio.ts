import { zFor } from "@/server/services/quality/estimators/normal-quantile";
import { tFor } from "@/server/services/quality/estimators/student-t";

/**
 * The Hájek ratio estimator of R = Σ y / Σ x over the population the sample stands for, with weights w = 1/π:
 * R̂ = Σ w·y / Σ w·x, and its with-replacement (superpopulation) Taylor-linearised variance, stratified:
 *   u_i = w_i·(y_i − R̂·x_i) / X̂,  X̂ = Σ w·x,
 *   V̂(R̂) = Σ_h n_h/(n_h − 1) · Σ_{i∈h} (u_i − ū_h)²   (a stratum of one row adds u_i², centred at the overall mean 0).
 * With equal weights and one stratum this is the iid variance of a mean, p̂(1 − p̂)/(n − 1) for a proportion; with
 * unequal weights it is the default of survey software (Stata svy, R survey) for an unequal-probability sample. It does
 * not vanish when π = 1: what is estimated is the model's quality on the traffic it serves, not a finite list.
 * Intervals use Student's t at Satterthwaite's degrees of freedom of V̂. Proportions: the Wilson score interval at the
 * effective size n* = p̂(1 − p̂)/V̂ (Kish's (Σw)²/Σw² when p̂ is 0 or 1), at most the rows behind the number, shrunk by
 * (z/t)² (Korn & Graubard) — inside [0, 1] and never of zero width; other ratios: R̂ ± t·√V̂ clipped to their bounds.
 * Invariants: a ratio whose denominator is zero is undefined (null), never 0; no NaN ever leaves this function.
 */
export type RatioTerm = {
  y: number;
  x: number;
  pi: number;
  /** The variance stratum of the row (e.g. its day); one stratum when omitted. */
  stratum?: string;
};

export type Interval = { lower: number; upper: number };

export type Estimate = {
  /** The point estimate; null when undefined (no row in the denominator, e.g. no prediction of the class). */
  value: number | null;
  /** √V̂; null when the value is undefined or fewer than two rows back the estimate. */
  standardError: number | null;
  /** The confidence interval at `confidence`; null when the value is undefined or no interval can be given. */
  interval: Interval | null;
  /** Labelled rows behind the number (rows with x ≠ 0). */
  n: number;
  /** Kish's effective sample size (Σw)² / Σw² over those rows; null when n = 0. */
  effectiveN: number | null;
};

export type EstimateOptions = {
  confidence: number;
  bounds?: Interval;
  /** A proportion (y ≤ x, values in [0, 1]): a Wilson interval instead of a clipped Wald one. */
  proportion?: boolean;
};

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

/** The Wilson score interval of a proportion p at sample size n (> 0): inside [0, 1], of positive width. */
export function wilsonInterval(p: number, n: number, z: number): Interval {
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // The interval contains p in exact arithmetic; keep it so after rounding (p = 1 must not give an upper end 1 − ε).
  return clampInterval(
    { lower: Math.min(p, centre - half), upper: Math.max(p, centre + half) },
    { lower: 0, upper: 1 },
  );
}

export type LinearisedVariance = {
  variance: number;
  /** Satterthwaite's degrees of freedom of the variance estimate, at least 1. */
  degreesOfFreedom: number;
};

/**
 * The stratified with-replacement variance of linearised values u (Σ u = 0), Σ_h n_h/(n_h − 1)·Σ_{i∈h}(u_i − ū_h)²
 * (a stratum of one row adds u_i²), and its degrees of freedom by Satterthwaite, (Σ_h V_h)² / Σ_h V_h²/(m_h − 1) with
 * m_h the rows of the stratum that are in the estimate's domain (x ≠ 0) — n − 1 for a simple random sample, fewer when
 * a few heavily weighted rows carry the variance. Null for fewer than two rows.
 */
export function withReplacementVariance(
  u: readonly number[],
  strata: readonly string[],
  inDomain: readonly boolean[],
): LinearisedVariance | null {
  if (u.length < 2) return null;
  const groups = new Map<string, { values: number[]; domain: number }>();
  u.forEach((value, i) => {
    const group = groups.get(strata[i]!) ?? { values: [], domain: 0 };
    group.values.push(value);
    if (inDomain[i]) group.domain++;
    groups.set(strata[i]!, group);
  });
  let variance = 0;
  let spread = 0;
  let domain = 0;
  for (const { values, domain: m } of groups.values()) {
    domain += m;
    let part: number;
    if (values.length === 1) part = values[0]! * values[0]!;
    else {
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      part = (values.length / (values.length - 1)) * values.reduce((s, v) => s + (v - mean) ** 2, 0);
    }
    variance += part;
    spread += (part * part) / Math.max(1, m - 1);
  }
  const degreesOfFreedom = variance > 0 ? (variance * variance) / spread : domain - 1;
  return { variance, degreesOfFreedom: Math.max(1, degreesOfFreedom) };
}

/** The effective size of a proportion's Wilson interval: p̂(1 − p̂)/V̂, else Kish's; at most the rows behind it. */
export function proportionEffectiveN(
  value: number,
  variance: number | null,
  n: number,
  kish: number | null,
): number | null {
  const fromVariance = variance !== null && variance > 0 ? (value * (1 - value)) / variance : 0;
  const size = fromVariance > 0 ? fromVariance : kish;
  return size === null || !(size > 0) ? null : Math.min(size, n);
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
  const linearised = withReplacementVariance(
    terms.map((t) => (t.y - value * t.x) / t.pi / denominator),
    terms.map((t) => t.stratum ?? ""),
    terms.map((t) => t.x !== 0),
  );
  const variance = linearised?.variance ?? null;
  const standardError = variance === null ? null : Math.sqrt(variance);
  const z = zFor(options.confidence);
  // Student's t at Satterthwaite's degrees of freedom (n − 1 for one row-less stratum: a single row gets df 1).
  const t = tFor(options.confidence, linearised?.degreesOfFreedom ?? 1);
  if (options.proportion) {
    const size = proportionEffectiveN(value, variance, n, effectiveN);
    // Korn & Graubard: the effective size shrunk by (z/t)², so the Wilson interval allows for an unstable variance.
    const interval = size === null ? null : wilsonInterval(value, size * (z / t) ** 2, z);
    return { value, standardError, interval, n, effectiveN };
  }
  if (standardError === null) return { value, standardError, interval: null, n, effectiveN };
  const half = t * standardError;
  const interval = clampInterval({ lower: value - half, upper: value + half }, options.bounds);
  return { value, standardError, interval, n, effectiveN };
}
