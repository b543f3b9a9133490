import { normalQuantile } from "@/server/services/quality/estimators/normal-quantile";
import { msprtHorizonCriticalRatio } from "@/server/services/abtests/statistics/msprt";

/**
 * Pre-registration: units per arm for a two-sided test of θ = mean(treatment) − mean(control) = δ.
 *
 * With allocation ratio k = n_t/n_c and per-unit variances σ²_c, σ²_t, the difference's variance is
 * V = (σ²_c + σ²_t/k)/n_c, and the test detects δ with the given power when |δ|/√V = c + z_{power}, so
 *   n_c = (c + z_{power})² · (σ²_c + σ²_t/k) / δ²,   n_t = k·n_c   (each rounded up),
 * with c = z_{1−α/2} for the fixed-horizon z-test (the normal-approximation formula of e.g. Chow, Shao & Wang,
 * "Sample Size Calculations in Clinical Research", §4.2 (means) and §4.2/§4.3 unpooled (proportions)), and
 * c = c_α of the mSPRT at a horizon-tuned τ² for the sequential design (msprt.ts; the far tail is ignored, and the
 * earlier looks only add power, so this is slightly conservative).
 * Proportions use σ²_c = p(1 − p), σ²_t = (p + δ)(1 − p − δ) (unpooled, matching the Wald test actually run).
 */

export type Design = "fixed" | "msprt";

export interface SampleSizeOptions {
  alpha?: number;
  power?: number;
  /** k = n_treatment / n_control; 1 for an even split, 0.25 for 80/20 in favour of the control. */
  ratio?: number;
  design?: Design;
}

export interface SampleSize {
  control: number;
  treatment: number;
  total: number;
}

function criticalValue(alpha: number, design: Design): number {
  return design === "fixed" ? normalQuantile(1 - alpha / 2) : msprtHorizonCriticalRatio(alpha);
}

/** Units per arm for a difference of means with per-unit variances σ²_c and σ²_t. */
export function sampleSizeForVariances(
  varianceControl: number,
  varianceTreatment: number,
  mde: number,
  options: SampleSizeOptions = {},
): SampleSize {
  const { alpha = 0.05, power = 0.8, ratio = 1, design = "fixed" } = options;
  if (!(alpha > 0 && alpha < 1) || !(power > 0 && power < 1)) throw new RangeError("α and power must lie in (0, 1)");
  if (!(ratio > 0)) throw new RangeError(`The allocation ratio must be positive, got ${ratio}`);
  if (!(mde !== 0 && Number.isFinite(mde))) throw new RangeError(`The MDE must be a non-zero number, got ${mde}`);
  if (!(varianceControl >= 0 && varianceTreatment >= 0)) throw new RangeError("Variances must be non-negative");
  const multiplier = (criticalValue(alpha, design) + normalQuantile(power)) ** 2;
  const rawControl = (multiplier * (varianceControl + varianceTreatment / ratio)) / (mde * mde);
  // Shave off floating-point dust so that an exact integer answer is not rounded up to the next one.
  const control = Math.ceil(rawControl * (1 - 1e-12));
  const treatment = Math.ceil(rawControl * ratio * (1 - 1e-12));
  return { control, treatment, total: control + treatment };
}

/** Units per arm for a difference in proportions: baseline rate p, absolute MDE δ (treatment rate p + δ). */
export function sampleSizeForProportions(baseline: number, mde: number, options: SampleSizeOptions = {}): SampleSize {
  const treatmentRate = baseline + mde;
  if (!(baseline > 0 && baseline < 1) || !(treatmentRate > 0 && treatmentRate < 1)) {
    throw new RangeError(`Rates must lie in (0, 1): baseline ${baseline}, with the MDE ${treatmentRate}`);
  }
  return sampleSizeForVariances(baseline * (1 - baseline), treatmentRate * (1 - treatmentRate), mde, options);
}

/** Units per arm for a difference in means with a common standard deviation σ and absolute MDE δ. */
export function sampleSizeForMeans(sd: number, mde: number, options: SampleSizeOptions = {}): SampleSize {
  if (!(sd > 0)) throw new RangeError(`The standard deviation must be positive, got ${sd}`);
  return sampleSizeForVariances(sd * sd, sd * sd, mde, options);
}

/**
 * Expected duration in days: each arm needs required/(its units per day); the test lasts as long as the slower arm.
 * `days` is fractional; `wholeDays` rounds it up. An arm with no traffic gives Infinity.
 */
export function expectedDuration(
  required: Pick<SampleSize, "control" | "treatment">,
  perDay: { control: number; treatment: number },
): { days: number; wholeDays: number } {
  const arm = (need: number, rate: number) => (need <= 0 ? 0 : rate > 0 ? need / rate : Infinity);
  const days = Math.max(arm(required.control, perDay.control), arm(required.treatment, perDay.treatment));
  return { days, wholeDays: Math.ceil(days) };
}
