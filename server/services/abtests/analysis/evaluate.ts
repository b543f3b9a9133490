import { AB_METRICS } from "@/contracts/abtests";
import type { AbAnalysis, AbComparison, AbSrm } from "@/contracts/abtest-analysis";
import { benjaminiHochberg } from "@/server/services/abtests/statistics/benjamini-hochberg";
import { sampleRatioMismatch } from "@/server/services/abtests/statistics/srm";
import { compareArms, fixedHorizonAtPlannedEnd } from "@/server/services/abtests/analysis/compare";
import { detectHarm } from "@/server/services/abtests/analysis/harm";
import { verdictFor } from "@/server/services/abtests/analysis/verdict";
import { lookKey, type AnalysisInput, type LookRow, type SrmReading } from "@/server/services/abtests/analysis/types";

const SEQUENTIAL_KINDS = new Set(["proportion", "mean", "rate", "quantile"]);

/** SRM over the live arms' assignment counts; with fewer than two live arms or no counts there is nothing to check. */
export function srmResult(reading: SrmReading): AbSrm {
  const since = reading.since.toISOString();
  if (!reading.ok) return { since, counts: [], statistic: null, pValue: null, mismatch: false, note: reading.note };
  const counts = reading.counts.map((c) => ({ ...c, expected: 0 }));
  if (counts.length < 2)
    return { since, counts, statistic: null, pValue: null, mismatch: false, note: "fewer than two arms take traffic" };
  if (counts.some((c) => !(c.weight > 0)))
    return { since, counts, statistic: null, pValue: null, mismatch: false, note: "an arm has no traffic weight" };
  const result = sampleRatioMismatch(
    counts.map((c) => c.observed),
    counts.map((c) => c.weight),
  );
  result.expected.forEach((e, i) => (counts[i]!.expected = e));
  const total = counts.reduce((sum, c) => sum + c.observed, 0);
  return {
    since,
    counts,
    statistic: total > 0 ? result.statistic : null,
    pValue: total > 0 ? result.pValue : null,
    mismatch: result.mismatch,
    note: total > 0 ? null : "no requests since the split was last set",
  };
}

function lookRow(c: AbComparison): LookRow {
  return {
    metric: c.metric,
    variantName: c.variantName,
    controlUnits: Math.round(c.control.units),
    treatmentUnits: Math.round(c.treatment.units),
    controlValue: c.control.value,
    treatmentValue: c.treatment.value,
    estimate: c.estimate,
    lower: c.lower,
    upper: c.upper,
    pValue: c.pValue,
  };
}

/**
 * The whole analysis of one look from what the readers measured (pure: no IO). Sequential metrics get an mSPRT look per
 * challenger carrying the previous look's state; the secondary metrics' p-values are adjusted by Benjamini–Hochberg;
 * the primary metric's fixed-horizon z-test appears once both arms reached their planned units; harm and SRM decide
 * before the primary metric in each challenger's verdict. Returns the analysis and the AbTestLook rows to store.
 */
export function evaluateAnalysis(input: AnalysisInput): { analysis: AbAnalysis; looks: LookRow[] } {
  const { plan, champion } = input;
  const comparisons: AbComparison[] = [];
  for (const { key, role } of input.metrics) {
    if (!SEQUENTIAL_KINDS.has(AB_METRICS[key].kind)) continue;
    const alpha = role === "SECONDARY" ? plan.alpha : plan.comparisonAlpha;
    for (const challenger of input.challengers) {
      const reading = input.readings[key];
      const comparison = compareArms(key, role, challenger, reading, {
        plan,
        champion,
        alpha,
        previous: input.previous.get(lookKey(key, challenger)),
        frozenTau2: input.frozenTau2.get(lookKey(key, challenger)),
      });
      if (role === "PRIMARY" && reading?.ok)
        comparison.fixedHorizon = fixedHorizonAtPlannedEnd(
          comparison,
          reading.arms.get(champion),
          reading.arms.get(challenger),
          plan,
          champion,
        );
      comparisons.push(comparison);
    }
  }

  const secondary = comparisons.filter((c) => c.role === "SECONDARY");
  if (secondary.length > 0) {
    const { adjusted } = benjaminiHochberg(
      secondary.map((c) => c.pValue),
      plan.alpha,
    );
    secondary.forEach((c, i) => {
      c.adjustedPValue = adjusted[i]!;
      c.rejected = adjusted[i]! <= plan.alpha;
    });
  }

  const srm = srmResult(input.srm);
  const guardrails = new Set(input.metrics.filter((m) => m.role === "GUARDRAIL").map((m) => m.key as string));
  const harm = detectHarm(comparisons, input.readings.latency_p99, guardrails, plan, champion, input.sloP99Seconds);
  const verdicts = input.challengers.map((challenger) =>
    verdictFor(
      challenger,
      comparisons.find((c) => c.role === "PRIMARY" && c.variantName === challenger),
      harm,
      srm,
      plan,
      input.arms.find((a) => a.variantName === challenger)?.stoppedAt ?? null,
    ),
  );

  const looks = comparisons.map(lookRow);
  for (const cost of input.costs) {
    if (cost.variantName === champion) continue;
    const control = input.costs.find((c) => c.variantName === champion);
    looks.push({
      metric: "cost_per_1k",
      variantName: cost.variantName,
      controlUnits: Math.round(control?.predictions ?? 0),
      treatmentUnits: Math.round(cost.predictions ?? 0),
      controlValue: control?.usdPer1k ?? null,
      treatmentValue: cost.usdPer1k,
      estimate: control?.usdPer1k != null && cost.usdPer1k !== null ? cost.usdPer1k - control.usdPer1k : null,
      lower: null,
      upper: null,
      pValue: null,
    });
  }
  // A shift look's estimate is the PSI between the arms (a distance, not a difference of values).
  for (const shift of input.scoreShift)
    looks.push({
      metric: "score_shift",
      variantName: shift.variantName,
      controlUnits: shift.controlRows,
      treatmentUnits: shift.treatmentRows,
      controlValue: null,
      treatmentValue: null,
      estimate: shift.psi,
      lower: null,
      upper: null,
      pValue: null,
    });

  const analysis: AbAnalysis = {
    at: input.at.toISOString(),
    window: { start: input.window.start.toISOString(), end: input.window.end.toISOString() },
    labelDelay: { minutes: input.labelDelayMinutes, outcomeCutoff: input.outcomeCutoff.toISOString() },
    arms: input.arms,
    comparisons,
    quantiles: input.quantiles,
    costs: input.costs,
    scoreShift: input.scoreShift,
    srm,
    harm,
    verdicts,
    shadow: input.shadow,
    unavailable: input.unavailable,
  };
  return { analysis, looks };
}
