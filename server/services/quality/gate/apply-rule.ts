import { type GateCriterion, type GateMetricResult, type GateRule, higherIsBetter } from "@/contracts/golden-sets";
import { type DeltaInterval, pairedBootstrap } from "@/server/services/quality/gate/paired-bootstrap";
import {
  type GoldenOutcomes,
  type Predictions,
  metricValue,
  summarise,
} from "@/server/services/quality/gate/golden-metrics";

export type GateVerdict = { passed: boolean; metrics: GateMetricResult[]; warnings: string[] };

const round = (value: number | null) => (value === null ? null : Math.round(value * 1e6) / 1e6);
const label = (c: GateCriterion) => (c.class === null ? c.metric : `${c.metric}[${c.class}]`);

/**
 * One criterion's verdict from its point values and the interval of Δ (null interval: no champion, or Δ undefined).
 * Invariants: a metric the candidate cannot even compute fails; a margin with a champion but no interval fails (it
 * cannot be shown non-inferior); without a champion only the bound applies.
 */
export function judgeCriterion(
  criterion: GateCriterion,
  candidate: number | null,
  champion: { value: number | null; interval: DeltaInterval | null } | null,
): GateMetricResult {
  const better = higherIsBetter(criterion.metric);
  const reasons: string[] = [];
  const name = label(criterion);
  if (candidate === null) reasons.push(`${name} is undefined for the candidate on this golden set`);
  if (candidate !== null && criterion.bound !== null) {
    const within = better ? candidate >= criterion.bound : candidate <= criterion.bound;
    if (!within)
      reasons.push(
        `${name} ${round(candidate)} is ${better ? "below the floor" : "above the ceiling"} ${criterion.bound}`,
      );
  }
  const interval = champion?.interval ?? null;
  let tooSmall = false;
  if (champion && criterion.margin !== null) {
    if (!interval) reasons.push(`Δ${name} could not be estimated (undefined on the champion or on most resamples)`);
    else {
      const margin = criterion.margin;
      if (better && interval.lower < -margin)
        reasons.push(`the lower bound of Δ${name} ${round(interval.lower)} is below −${margin}`);
      if (!better && interval.upper > margin)
        reasons.push(`the upper bound of Δ${name} ${round(interval.upper)} is above +${margin}`);
      tooSmall = (interval.upper - interval.lower) / 2 > margin;
    }
  }
  const championValue = champion?.value ?? null;
  return {
    metric: criterion.metric,
    class: criterion.class,
    higherIsBetter: better,
    candidate: round(candidate),
    champion: round(championValue),
    delta: candidate !== null && championValue !== null ? round(candidate - championValue) : null,
    ciLower: round(interval?.lower ?? null),
    ciUpper: round(interval?.upper ?? null),
    margin: criterion.margin,
    bound: criterion.bound,
    verdict: reasons.length === 0 ? "PASS" : "FAIL",
    reasons,
    tooSmall,
  };
}

/** A criterion's class as an index into the golden outcomes' classes (−1: none, or not one of them). */
function classIndexOf(outcomes: GoldenOutcomes, criterion: GateCriterion) {
  return outcomes.kind === "classification" && criterion.class !== null
    ? outcomes.classes.indexOf(criterion.class)
    : -1;
}

/**
 * Applies a gate rule: every criterion's point values on the whole golden set, the paired bootstrap interval of Δ
 * against the champion (when there is one), and the verdicts. The gate passes only when every criterion passes.
 */
export function applyGateRule(
  rule: GateRule,
  outcomes: GoldenOutcomes,
  candidate: Predictions,
  champion: Predictions | null,
  seed: number,
): GateVerdict {
  const indexed = rule.criteria.map((criterion) => ({ criterion, classIndex: classIndexOf(outcomes, criterion) }));
  const candidateSummary = summarise(outcomes, candidate, null);
  const championSummary = champion ? summarise(outcomes, champion, null) : null;
  const intervals = champion
    ? pairedBootstrap(outcomes, candidate, champion, indexed, {
        resamples: rule.resamples,
        confidenceLevel: rule.confidenceLevel,
        seed,
      })
    : null;
  const metrics = indexed.map(({ criterion, classIndex }, c) =>
    judgeCriterion(
      criterion,
      metricValue(candidateSummary, criterion, classIndex),
      championSummary
        ? { value: metricValue(championSummary, criterion, classIndex), interval: intervals?.[c] ?? null }
        : null,
    ),
  );
  const n = outcomes.expected.length;
  const warnings = metrics
    .filter((m) => m.tooSmall)
    .map(
      (m) =>
        `The golden set (${n} rows) is too small to detect a difference of ${m.margin} in ${m.class === null ? m.metric : `${m.metric}[${m.class}]`}: ` +
        `the ${Math.round(rule.confidenceLevel * 100)}% interval of Δ is ±${round(((m.ciUpper ?? 0) - (m.ciLower ?? 0)) / 2)} wide`,
    );
  if (!champion) warnings.push("No production version to compare with: only the absolute bounds were applied");
  return { passed: metrics.every((m) => m.verdict === "PASS"), metrics, warnings };
}
