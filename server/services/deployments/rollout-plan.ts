import type { RolloutStrategy } from "@/server/integrations/targets/deployment-target";

/** One traffic shift of a rollout: the candidate's share, then how long to watch guardrails before the next. */
export type TrafficStep = { candidatePercent: number; bakeSeconds: number };

/**
 * The traffic steps that take a candidate variant from 0% to 100% under a strategy. The last step always reaches
 * 100%; a canary watches its bake time at N% and then shifts the rest at once; linear moves in equal steps.
 */
export function rolloutSteps(strategy: RolloutStrategy): TrafficStep[] {
  switch (strategy.kind) {
    case "all-at-once":
      return [{ candidatePercent: 100, bakeSeconds: 0 }];
    case "canary": {
      assertPercent(strategy.canaryPercent, "canaryPercent");
      return [
        { candidatePercent: strategy.canaryPercent, bakeSeconds: strategy.bakeSeconds },
        { candidatePercent: 100, bakeSeconds: 0 },
      ];
    }
    case "linear": {
      assertPercent(strategy.stepPercent, "stepPercent");
      const steps: TrafficStep[] = [];
      for (let share = strategy.stepPercent; share < 100; share += strategy.stepPercent) {
        steps.push({ candidatePercent: share, bakeSeconds: strategy.stepBakeSeconds });
      }
      steps.push({ candidatePercent: 100, bakeSeconds: 0 });
      return steps;
    }
  }
}

/**
 * Splits traffic between the candidate and the variants already serving, keeping the incumbents' relative shares.
 * Weights are whole percentages that always sum to 100 (largest-remainder rounding).
 */
export function splitTraffic(
  candidate: string,
  candidatePercent: number,
  incumbents: Record<string, number>,
): Record<string, number> {
  const names = Object.keys(incumbents).filter((name) => name !== candidate);
  const incumbentTotal = names.reduce((sum, name) => sum + (incumbents[name] ?? 0), 0);
  if (names.length === 0 || incumbentTotal === 0) return { [candidate]: 100 };
  const remaining = 100 - candidatePercent;
  const exact = names.map((name) => ({ name, share: ((incumbents[name] ?? 0) / incumbentTotal) * remaining }));
  const weights: Record<string, number> = { [candidate]: candidatePercent };
  for (const { name, share } of exact) weights[name] = Math.floor(share);
  let leftover = remaining - exact.reduce((sum, { name }) => sum + (weights[name] ?? 0), 0);
  for (const { name } of [...exact].sort((a, b) => (b.share % 1) - (a.share % 1))) {
    if (leftover <= 0) break;
    weights[name] = (weights[name] ?? 0) + 1;
    leftover--;
  }
  return weights;
}

function assertPercent(value: number, name: string) {
  if (!Number.isInteger(value) || value < 1 || value > 99)
    throw new RangeError(`${name} must be a whole number from 1 to 99`);
}
