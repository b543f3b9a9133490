import { AB_METRICS, type AbMetricKey, type PreRegistration } from "@/contracts/abtests";
import {
  expectedDuration,
  sampleSizeForMeans,
  sampleSizeForProportions,
  type SampleSize,
} from "@/server/services/abtests/statistics/sample-size";

export type PlannedArm = { variantName: string; weight: number; champion: boolean };

export type PlanInput = {
  primaryMetric: AbMetricKey;
  mde: number;
  alpha: number;
  power: number;
  baseline: number;
  baselineSource: "entered" | "measured";
  baselineUnits: number;
};

/** Why a plan cannot be made from what was entered (the caller's mistake: a 400). */
export class PlanError extends Error {}

/**
 * The sample each challenger comparison needs under the sequential (mSPRT) design the analysis runs, for the
 * champion's and the challenger's traffic shares. A lower-is-better rate is planned at baseline − MDE.
 */
function comparisonSize(plan: PlanInput, alpha: number, ratio: number): SampleSize {
  const options = { alpha, power: plan.power, ratio, design: "msprt" as const };
  const metric = AB_METRICS[plan.primaryMetric];
  if (metric.kind === "mean") return sampleSizeForMeans(plan.baseline, plan.mde, options);
  const signed = metric.better === "higher" ? plan.mde : -plan.mde;
  const treated = plan.baseline + signed;
  if (!(plan.baseline > 0 && plan.baseline < 1) || !(treated > 0 && treated < 1))
    throw new PlanError(
      `A baseline of ${plan.baseline} with an MDE of ${plan.mde} leaves the rate's range (0, 1): choose a smaller MDE`,
    );
  return sampleSizeForProportions(plan.baseline, signed, options);
}

/**
 * The pre-registration: units each arm needs (the champion as many as its most demanding comparison) and how many
 * days that takes at `unitsPerDay` of the endpoint's traffic split by the arms' weights. With several challengers each
 * comparison runs at α / (number of challengers) (Bonferroni), so the chance of any false winner stays within α.
 */
export function planTest(
  plan: PlanInput,
  arms: readonly PlannedArm[],
  unitsPerDay: number,
  now: Date,
): PreRegistration {
  const champion = arms.find((arm) => arm.champion);
  if (!champion) throw new PlanError("A test needs a champion arm");
  const requiredPerArm: Record<string, number> = { [champion.variantName]: 0 };
  const challengers = arms.filter((a) => !a.champion);
  if (challengers.length === 0) throw new PlanError("A test needs at least one challenger");
  const comparisonAlpha = plan.alpha / challengers.length;
  let days = 0;
  for (const arm of challengers) {
    const size = comparisonSize(plan, comparisonAlpha, arm.weight / champion.weight);
    requiredPerArm[arm.variantName] = size.treatment;
    requiredPerArm[champion.variantName] = Math.max(requiredPerArm[champion.variantName]!, size.control);
    const perDay = { control: (unitsPerDay * champion.weight) / 100, treatment: (unitsPerDay * arm.weight) / 100 };
    days = Math.max(days, expectedDuration(size, perDay).days);
  }
  return {
    ...plan,
    design: "msprt",
    comparisonAlpha,
    requiredPerArm,
    unitsPerDay,
    expectedDays: Number.isFinite(days) ? Math.round(days * 10) / 10 : null,
    writtenAt: now.toISOString(),
  };
}
