import { type GateCriterion } from "@/contracts/golden-sets";
import {
  type GoldenOutcomes,
  type Predictions,
  metricValue,
  summarise,
} from "@/server/services/quality/gate/golden-metrics";
import { resampleIndices, seededRandom } from "@/server/services/quality/gate/random";

export type DeltaInterval = { lower: number; upper: number; resamplesUsed: number };

/** The q-quantile of sorted values, interpolating linearly between order statistics (Hyndman–Fan type 7). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/**
 * Paired percentile bootstrap of Δ = metric(candidate) − metric(champion) for every criterion: each resample draws
 * golden rows with replacement (seeded) and evaluates BOTH models on the same rows, so the interval reflects the
 * correlation between their errors (two models that err on the same hard rows get a narrow interval). Percentile
 * intervals, not BCa: simple, transformation-respecting, and adequate at golden-set sizes (the unit test checks
 * coverage). A resample on which a metric is undefined (no rows of the class drawn) is skipped for that metric; an
 * interval built from fewer than half the resamples is reported as null.
 */
export function pairedBootstrap(
  outcomes: GoldenOutcomes,
  candidate: Predictions,
  champion: Predictions,
  criteria: readonly { criterion: Pick<GateCriterion, "metric">; classIndex: number }[],
  options: { resamples: number; confidenceLevel: number; seed: number },
): (DeltaInterval | null)[] {
  const n = outcomes.expected.length;
  const random = seededRandom(options.seed);
  const deltas = criteria.map(() => new Float64Array(options.resamples));
  const counts = criteria.map(() => 0);
  const indices = new Int32Array(n);
  for (let b = 0; b < options.resamples; b++) {
    resampleIndices(n, random, indices);
    const withCandidate = summarise(outcomes, candidate, indices);
    const withChampion = summarise(outcomes, champion, indices);
    criteria.forEach(({ criterion, classIndex }, c) => {
      const a = metricValue(withCandidate, criterion, classIndex);
      const h = metricValue(withChampion, criterion, classIndex);
      if (a !== null && h !== null) deltas[c]![counts[c]!++] = a - h;
    });
  }
  const alpha = 1 - options.confidenceLevel;
  return deltas.map((all, c) => {
    const used = counts[c]!;
    if (used < options.resamples / 2) return null;
    const sorted = all.slice(0, used).sort();
    return {
      lower: quantileSorted(sorted, alpha / 2),
      upper: quantileSorted(sorted, 1 - alpha / 2),
      resamplesUsed: used,
    };
  });
}
