import { AB_METRICS, type AbMetricKey, type PreRegistration } from "@/contracts/abtests";
import { mixingVarianceForHorizon } from "@/server/services/abtests/statistics/msprt";

/** The largest variance of a 0/1 outcome, p(1 − p) at p = ½: a τ² from it needs nothing measured. */
const BERNOULLI_MAX_VARIANCE = 0.25;

export type MixingVariance = { tau2: number; source: string };

/** Planned units of the champion and of one challenger (the pre-registration's requiredPerArm). */
function plannedUnits(
  plan: PreRegistration,
  champion: string,
  challenger: string,
): { control: number; treatment: number } {
  const largest = Math.max(1, ...Object.values(plan.requiredPerArm));
  return {
    control: plan.requiredPerArm[champion] || largest,
    treatment: plan.requiredPerArm[challenger] || largest,
  };
}

/**
 * The per-unit variances the plan assumed for the primary metric, exactly as pre-registration.ts sized the test: a
 * rate's p(1 − p) at the baseline and at baseline ± MDE (the better direction), a mean metric's baseline standard
 * deviation squared on both arms.
 */
function plannedVariances(plan: PreRegistration): { control: number; treatment: number } {
  const metric = AB_METRICS[plan.primaryMetric];
  if (metric.kind === "mean") return { control: plan.baseline ** 2, treatment: plan.baseline ** 2 };
  const treated = plan.baseline + (metric.better === "higher" ? plan.mde : -plan.mde);
  return { control: plan.baseline * (1 - plan.baseline), treatment: treated * (1 - treated) };
}

/**
 * τ² of the normal-mixture mSPRT for one metric of one comparison, fixed before the data it is used on:
 * - the primary metric: tuned to the planned horizon, τ² = (u⋆ − 1)·V_N with V_N = σ²_c/N_c + σ²_t/N_t at the
 *   pre-registered units N and the plan's variances (the same horizon-tuned τ² whose critical ratio c_α sized the test);
 * - other 0/1 metrics (proportions, the error rate, latency exceedance shares): the same horizon with σ² = ¼, the
 *   largest a 0/1 outcome can have, so nothing measured enters;
 * - a non-primary mean metric: σ² from the first look that measured it, then frozen (`frozen`, carried from the
 *   previous analysis) so later looks mix over the same τ².
 * Any fixed τ² gives a valid test (Λ is a martingale under H₀ for every τ²); τ² only moves power between early and late.
 */
export function mixingVariance(
  plan: PreRegistration,
  key: AbMetricKey,
  champion: string,
  challenger: string,
  alpha: number,
  measured: { controlVariance: number; treatmentVariance: number } | null,
  frozen: number | undefined,
): MixingVariance | null {
  const units = plannedUnits(plan, champion, challenger);
  const horizon = (vc: number, vt: number) =>
    mixingVarianceForHorizon(vc / units.control + vt / units.treatment, alpha);
  if (key === plan.primaryMetric) {
    const v = plannedVariances(plan);
    return { tau2: horizon(v.control, v.treatment), source: "pre-registered horizon (planned units and variances)" };
  }
  if (AB_METRICS[key].kind !== "mean")
    return {
      tau2: horizon(BERNOULLI_MAX_VARIANCE, BERNOULLI_MAX_VARIANCE),
      source: "planned units with the largest 0/1 variance (¼)",
    };
  if (frozen !== undefined && frozen > 0) return { tau2: frozen, source: "frozen at this metric's first look" };
  if (!measured || !(measured.controlVariance + measured.treatmentVariance > 0)) return null;
  return {
    tau2: horizon(measured.controlVariance, measured.treatmentVariance),
    source: "planned units with the variances of this metric's first look (now frozen)",
  };
}

/** τ² for a one-sample comparison of a challenger's 0/1 share against a fixed rate (σ² = ¼ at its planned units). */
export function oneSampleMixingVariance(plan: PreRegistration, champion: string, challenger: string, alpha: number) {
  const { treatment } = plannedUnits(plan, champion, challenger);
  return mixingVarianceForHorizon(BERNOULLI_MAX_VARIANCE / treatment, alpha);
}
