import { AB_METRICS, type PreRegistration } from "@/contracts/abtests";
import type { AbComparison, AbHarm, AbSrm, AbVerdict } from "@/contracts/abtest-analysis";

const signed = (value: number, unit: "points" | "raw") =>
  unit === "points"
    ? `${value >= 0 ? "+" : ""}${(value * 100).toFixed(2)} points`
    : `${value >= 0 ? "+" : ""}${value.toPrecision(3)}`;

function describe(c: AbComparison): string {
  const kind = AB_METRICS[c.metric].kind;
  const unit = kind === "mean" ? "raw" : "points";
  const interval =
    c.lower !== null && c.upper !== null
      ? `, always-valid interval ${signed(c.lower, unit)} to ${signed(c.upper, unit)}`
      : "";
  const estimate = c.estimate === null ? "" : `${signed(c.estimate, unit)}${interval}, `;
  return `${AB_METRICS[c.metric].label}: ${estimate}p = ${c.pValue.toPrecision(3)} (α = ${c.alpha})`;
}

/**
 * The verdict per challenger, in order of precedence: frozen (a sample-ratio mismatch means the assignment is broken,
 * so no comparison can be trusted), harmful (a guardrail is breached), winner or loser (the primary metric's mSPRT
 * rejected, in the better or the worse direction), else inconclusive. A would-be winner whose SRM could not be checked
 * stays inconclusive until it can be.
 */
export function verdictFor(
  challenger: string,
  primary: AbComparison | undefined,
  harm: readonly AbHarm[],
  srm: AbSrm,
  plan: PreRegistration,
  stoppedAt: string | null,
): AbVerdict {
  const stopped = stoppedAt ? `Taken off traffic at ${stoppedAt}. ` : "";
  const verdict = (kind: AbVerdict["verdict"], reason: string): AbVerdict => ({
    variantName: challenger,
    verdict: kind,
    reason: stopped + reason,
  });
  if (srm.mismatch)
    return verdict(
      "frozen",
      `Sample-ratio mismatch (χ² p = ${srm.pValue?.toExponential(2)} < 0.001): traffic is not split as configured, so ` +
        "no comparison can be trusted; the verdict is frozen until the assignment is fixed",
    );
  const own = harm.filter((h) => h.variantName === challenger);
  if (own.length > 0) return verdict("harmful", own.map((h) => h.detail).join("; "));
  if (!primary) return verdict("inconclusive", "The primary metric was not measured");
  const need = plan.requiredPerArm[challenger];
  const progress = need ? ` ${primary.treatment.units} of ${need} planned units so far.` : "";
  if (primary.note) return verdict("inconclusive", `${AB_METRICS[primary.metric].label}: ${primary.note}.${progress}`);
  if (!primary.rejected)
    return verdict("inconclusive", `No significant difference yet. ${describe(primary)}.${progress}`);
  const better = AB_METRICS[primary.metric].better === "higher" ? (primary.lower ?? 0) > 0 : (primary.upper ?? 0) < 0;
  if (better && srm.pValue === null)
    return verdict(
      "inconclusive",
      `The primary metric favours the challenger (${describe(primary)}), but the sample ratio could not be checked` +
        (srm.note ? ` (${srm.note})` : ""),
    );
  return better
    ? verdict("winner", `Better on the primary metric. ${describe(primary)}`)
    : verdict("loser", `Worse on the primary metric. ${describe(primary)}`);
}
