import { difference, type ArmSummary } from "@/server/services/abtests/statistics/arms";

/**
 * The normal-mixture mSPRT for a difference of two means θ = mean(treatment) − mean(control) (proportions are means
 * of 0/1 outcomes with variance p(1 − p)). Reference: Johari, Koomen, Pekelis & Walsh, "Always Valid Inference:
 * Continuous Monitoring of A/B Tests", Operations Research 70(3), 2022 (arXiv 1512.04922), §3–4.
 *
 * With θ̂ the difference of sample means and V = σ²_c/n_c + σ²_t/n_t its variance, θ̂ ~ N(θ, V). Mixing the
 * likelihood ratio over θ ~ N(θ₀, τ²) gives
 *   Λ = √(V / (V + τ²)) · exp( τ²(θ̂ − θ₀)² / (2V(V + τ²)) ),
 * which for equal arms (V = 2σ²/n) is the paper's Λₙ = √(2σ²/(2σ² + nτ²))·exp(n²τ²(Ȳ − X̄ − θ₀)²/(4σ²(2σ² + nτ²))).
 * Λ is a non-negative martingale under θ₀, so by Ville's inequality P(sup Λ ≥ 1/α) ≤ α: the always-valid p-value
 * pₙ = min(pₙ₋₁, 1/Λₙ) and the confidence sequence {θ₀ : Λ(θ₀) < 1/α} may be looked at after every unit.
 */

/** ln Λ of the normal mixture at null value θ₀ (kept in logs: Λ overflows long before the p-value matters). */
export function logMixtureLikelihoodRatio(estimate: number, variance: number, tau2: number, nullValue = 0): number {
  if (!(tau2 > 0)) throw new RangeError(`The mixing variance τ² must be positive, got ${tau2}`);
  if (!(variance > 0)) return 0; // no information yet (or a degenerate 0-variance arm): Λ = 1
  const shift = estimate - nullValue;
  return 0.5 * Math.log(variance / (variance + tau2)) + (tau2 * shift * shift) / (2 * variance * (variance + tau2));
}

/** Λ itself (may be Infinity for overwhelming evidence). */
export function mixtureLikelihoodRatio(estimate: number, variance: number, tau2: number, nullValue = 0): number {
  return Math.exp(logMixtureLikelihoodRatio(estimate, variance, tau2, nullValue));
}

/** The always-valid p-value after a look: pₙ = min(pₙ₋₁, 1/Λₙ), starting from p₀ = 1. */
export function alwaysValidPValue(previousPValue: number, logLikelihoodRatio: number): number {
  return Math.min(previousPValue, 1, Math.exp(-logLikelihoodRatio));
}

/**
 * The radius of the normal-mixture confidence sequence, solving Λ(θ₀) = 1/α for θ₀:
 *   r = √( V(V + τ²)/τ² · (2 ln(1/α) + ln((V + τ²)/V)) ),
 * so {θ₀ : |θ̂ − θ₀| < r} holds the true θ at every look simultaneously with probability ≥ 1 − α.
 */
export function confidenceSequenceRadius(variance: number, tau2: number, alpha = 0.05): number {
  if (!(tau2 > 0)) throw new RangeError(`The mixing variance τ² must be positive, got ${tau2}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`α must lie in (0, 1), got ${alpha}`);
  if (!(variance > 0)) return variance === 0 ? 0 : Infinity;
  return Math.sqrt(
    ((variance * (variance + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log((variance + tau2) / variance)),
  );
}

/** The simple choice τ² = δ² (mixing spread on the scale of the pre-registered minimum detectable effect δ). */
export function mixingVarianceFromMde(mde: number): number {
  if (!(mde !== 0 && Number.isFinite(mde))) throw new RangeError(`The MDE must be a non-zero number, got ${mde}`);
  return mde * mde;
}

/**
 * u⋆ > 1 solving u − 1 − ln u = 2 ln(1/α) (Newton from the right, where the function is convex and increasing).
 * Writing u = (V + τ²)/V, the squared radius is V·u/(u − 1)·(2 ln(1/α) + ln u); its derivative in u vanishes exactly
 * there, so τ² = (u⋆ − 1)·V minimises the confidence-sequence radius (maximises power) at the look with variance V.
 */
export function horizonMixingRatio(alpha = 0.05): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`α must lie in (0, 1), got ${alpha}`);
  const target = 2 * Math.log(1 / alpha);
  let u = target + 2 + Math.log(target + 2);
  for (let i = 0; i < 100; i++) {
    const next = u - (u - 1 - Math.log(u) - target) / (1 - 1 / u);
    if (Math.abs(next - u) < 1e-14 * u) return next;
    u = next;
  }
  return u;
}

/**
 * The mixing variance tuned to the planned horizon, whose difference has variance V_N (e.g. (σ²_c + σ²_t/k)/n_c at
 * the planned n_c): τ² = (u⋆ − 1)·V_N, the τ² that makes the confidence sequence narrowest at the horizon (derived
 * here from the radius above; the paper, §4.2, likewise tunes τ to the effect sizes and sample sizes expected). For
 * α = 0.05, u⋆ ≈ 9.21, so τ² ≈ 8.21·V_N (≈ 1.05·δ² at a fixed-horizon 80 %-power design, since there δ² ≈ 7.85·V_N).
 */
export function mixingVarianceForHorizon(horizonVariance: number, alpha = 0.05): number {
  if (!(horizonVariance > 0)) throw new RangeError(`The horizon variance must be positive, got ${horizonVariance}`);
  return (horizonMixingRatio(alpha) - 1) * horizonVariance;
}

/**
 * The critical ratio c_α = r/√V at the horizon when τ² is tuned to it: c_α² = u⋆/(u⋆ − 1)·(2 ln(1/α) + ln u⋆)
 * (≈ 3.03 for α = 0.05, against 1.96 for a single fixed-horizon look).
 */
export function msprtHorizonCriticalRatio(alpha = 0.05): number {
  const u = horizonMixingRatio(alpha);
  return Math.sqrt((u / (u - 1)) * (2 * Math.log(1 / alpha) + Math.log(u)));
}

export interface MsprtLook {
  estimate: number;
  variance: number;
  logLikelihoodRatio: number;
  /** Always-valid p-value: the running minimum of 1/Λ over the looks so far. */
  pValue: number;
  /** Always-valid confidence sequence for θ, intersected with the previous look's (so it only ever shrinks). */
  lower: number;
  upper: number;
  rejected: boolean;
}

/** What one look carries to the next: the running p-value and interval (start with `MSPRT_START`). */
export interface MsprtState {
  pValue: number;
  lower: number;
  upper: number;
}

export const MSPRT_START: MsprtState = { pValue: 1, lower: -Infinity, upper: Infinity };

/** One look of the mSPRT of H₀: θ = θ₀ at level α, given the arms so far and the previous look's state. */
export function msprtLook(
  control: ArmSummary,
  treatment: ArmSummary,
  tau2: number,
  options: { alpha?: number; nullValue?: number; previous?: MsprtState } = {},
): MsprtLook {
  const alpha = options.alpha ?? 0.05;
  const previous = options.previous ?? MSPRT_START;
  const { estimate, variance } = difference(control, treatment);
  const logLikelihoodRatio = logMixtureLikelihoodRatio(estimate, variance, tau2, options.nullValue ?? 0);
  const pValue = alwaysValidPValue(previous.pValue, logLikelihoodRatio);
  const radius = confidenceSequenceRadius(variance, tau2, alpha);
  const lower = Math.max(previous.lower, estimate - radius);
  const upper = Math.min(previous.upper, estimate + radius);
  return { estimate, variance, logLikelihoodRatio, pValue, lower, upper, rejected: pValue < alpha };
}
