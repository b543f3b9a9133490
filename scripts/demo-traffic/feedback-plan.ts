import type { Random } from "@/training/random";
import type { ServedBatch } from "@/scripts/traffic/generate-traffic";

/** How an endpoint's outcomes are reported: a class per 0/1 target (classifiers) or the target itself (regressors). */
export type OutcomeKind = { kind: "classification"; classes: readonly string[] } | { kind: "regression" };

/**
 * When outcomes become known in the demo, per kind: most fraud cases are confirmed or cleared within a minute or
 * two (some never), most deliveries report their actual time when they arrive. Demo timings, compressed so the
 * Quality view fills within minutes of `npm start`.
 */
export const DEMO_FEEDBACK = {
  classification: { share: 0.6, minDelayMs: 20_000, maxDelayMs: 90_000 },
  regression: { share: 0.9, minDelayMs: 15_000, maxDelayMs: 60_000 },
} as const;

export type PendingOutcome = {
  endpoint: string;
  predictionId: string;
  dueAt: number;
  outcome: { label: string } | { value: number };
};

export function outcomeOf(kind: OutcomeKind, target: number): PendingOutcome["outcome"] | undefined {
  if (kind.kind === "regression") return Number.isFinite(target) ? { value: target } : undefined;
  const label = kind.classes[Math.round(target)];
  return label === undefined ? undefined : { label };
}

/** The outcomes of one answered request that will become known, and when (a seeded draw per row). */
export function plannedOutcomes(served: ServedBatch, kind: OutcomeKind, random: Random): PendingOutcome[] {
  const timing = DEMO_FEEDBACK[kind.kind];
  const planned: PendingOutcome[] = [];
  served.predictionIds.forEach((predictionId, row) => {
    const target = served.targets[row];
    if (target === undefined || random.uniform() >= timing.share) return;
    const outcome = outcomeOf(kind, target);
    if (!outcome) return;
    const dueAt = served.servedAt.getTime() + random.between(timing.minDelayMs, timing.maxDelayMs);
    planned.push({ endpoint: served.endpoint, predictionId, dueAt, outcome });
  });
  return planned;
}

/** Removes and returns the outcomes due by `now`, grouped by endpoint, at most `maxPerCall` per group. */
export function takeDue(pending: PendingOutcome[], now: number, maxPerCall: number): PendingOutcome[][] {
  const due = new Map<string, PendingOutcome[]>();
  let kept = 0;
  for (const outcome of pending) {
    const group = due.get(outcome.endpoint) ?? [];
    if (outcome.dueAt <= now && group.length < maxPerCall) {
      group.push(outcome);
      due.set(outcome.endpoint, group);
    } else {
      pending[kept++] = outcome;
    }
  }
  pending.length = kept;
  return [...due.values()];
}
