import { AB_METRICS, type AbMetricKey, type PreRegistration } from "@/contracts/abtests";
import type { AbComparison } from "@/contracts/abtest-analysis";
import type { ArmSummary } from "@/server/services/abtests/statistics/arms";
import { MSPRT_START, msprtLook, type MsprtState } from "@/server/services/abtests/statistics/msprt";
import { fixedHorizonZTest } from "@/server/services/abtests/statistics/z-test";
import { mixingVariance } from "@/server/services/abtests/analysis/mixing-variance";
import type { MetricReading, MetricRole } from "@/server/services/abtests/analysis/types";

const finiteOrNull = (value: number) => (Number.isFinite(value) ? value : null);

const measure = (variantName: string, arm: ArmSummary | undefined) => ({
  variantName,
  units: arm?.n ?? 0,
  value: arm && arm.n > 0 ? arm.mean : null,
});

function emptyNote(key: AbMetricKey, reading: MetricReading & { ok: true }): string {
  if (reading.emptyNote) return reading.emptyNote;
  const kind = AB_METRICS[key].kind;
  return kind === "proportion" || kind === "mean" ? "no outcomes yet" : "no requests in the window yet";
}

export type ComparisonContext = {
  plan: PreRegistration;
  champion: string;
  alpha: number;
  previous: MsprtState | undefined;
  frozenTau2: number | undefined;
};

/**
 * One look of challenger vs champion on one metric. The always-valid p-value is the running minimum over looks and the
 * confidence sequence the intersection with the previous look's, both carried in `previous`; a look that measures
 * nothing new (an arm without units, no variation yet, the source unreachable) carries them unchanged.
 */
export function compareArms(
  key: AbMetricKey,
  role: MetricRole,
  challenger: string,
  reading: MetricReading | undefined,
  context: ComparisonContext,
): AbComparison {
  const previous = context.previous ?? MSPRT_START;
  const control = reading?.ok ? reading.arms.get(context.champion) : undefined;
  const treatment = reading?.ok ? reading.arms.get(challenger) : undefined;
  const carried = {
    estimate: control && treatment && control.n > 0 && treatment.n > 0 ? treatment.mean - control.mean : null,
    pValue: previous.pValue,
    lower: finiteOrNull(previous.lower),
    upper: finiteOrNull(previous.upper),
    rejected: previous.pValue < context.alpha,
  };
  const base = {
    metric: key,
    role,
    variantName: challenger,
    control: measure(context.champion, control),
    treatment: measure(challenger, treatment),
    alpha: context.alpha,
    adjustedPValue: null,
    fixedHorizon: null,
    threshold: reading?.ok ? (reading.threshold ?? null) : null,
  };
  if (!reading || !reading.ok)
    return { ...base, ...carried, tau2: null, tau2Source: null, note: reading?.note ?? "not measured" };
  if (!control || !treatment || !(control.n > 0) || !(treatment.n > 0))
    return { ...base, ...carried, tau2: null, tau2Source: null, note: emptyNote(key, reading) };
  const variances = { controlVariance: control.variance, treatmentVariance: treatment.variance };
  const mixing = mixingVariance(
    context.plan,
    key,
    context.champion,
    challenger,
    context.alpha,
    variances,
    context.frozenTau2,
  );
  const variance = control.variance / control.n + treatment.variance / treatment.n;
  // With no variation in either arm (every outcome alike so far) the normal approximation says nothing yet; an update
  // would collapse the confidence sequence to a point.
  if (!mixing || !(variance > 0))
    return {
      ...base,
      ...carried,
      tau2: mixing?.tau2 ?? null,
      tau2Source: mixing?.source ?? null,
      note: "no variation in the outcomes yet",
    };
  const look = msprtLook(control, treatment, mixing.tau2, { alpha: context.alpha, previous });
  return {
    ...base,
    estimate: look.estimate,
    pValue: look.pValue,
    lower: finiteOrNull(look.lower),
    upper: finiteOrNull(look.upper),
    rejected: look.rejected,
    tau2: mixing.tau2,
    tau2Source: mixing.source,
    note: null,
  };
}

/**
 * The fixed-horizon z-test of the primary metric, reported only once both arms have their pre-registered units (looking
 * at it earlier inflates its error rate); null before that.
 */
export function fixedHorizonAtPlannedEnd(
  comparison: AbComparison,
  control: ArmSummary | undefined,
  treatment: ArmSummary | undefined,
  plan: PreRegistration,
  champion: string,
) {
  const needControl = plan.requiredPerArm[champion];
  const needTreatment = plan.requiredPerArm[comparison.variantName];
  if (!control || !treatment || needControl === undefined || needTreatment === undefined) return null;
  if (control.n < needControl || treatment.n < needTreatment) return null;
  return fixedHorizonZTest(control, treatment, comparison.alpha);
}
