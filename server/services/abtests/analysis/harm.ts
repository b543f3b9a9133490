import type { PreRegistration } from "@/contracts/abtests";
import type { AbComparison, AbHarm } from "@/contracts/abtest-analysis";
import { msprtLook } from "@/server/services/abtests/statistics/msprt";
import { oneSampleMixingVariance } from "@/server/services/abtests/analysis/mixing-variance";
import type { MetricReading } from "@/server/services/abtests/analysis/types";

const percent = (value: number) => `${(value * 100).toFixed(2)} %`;

/** The share of requests a p99 may leave above its objective. */
const P99_TAIL = 0.01;

/**
 * Harm on the guardrails, one-sided and always valid: a challenger is harmful when the always-valid lower bound of
 * (challenger − reference) at level α is above 0. The confidence sequence covers the true θ at every look at once with
 * probability ≥ 1 − α, so when θ ≤ 0 (no harm) P(some look has lower > 0) ≤ P(some look has lower > θ) ≤ α: a
 * one-sided test at level α (conservative: it spends α on both sides).
 * - error_rate: θ = the challenger's server-error rate − the champion's (the comparison's carried interval);
 * - latency_p99: θ = the challenger's share of requests slower than its objective − 1 %, a one-sample mixture test
 *   (the objective rounded up to a bucket bound b ≥ objective, so share(> b) > 1 % implies p99 > objective).
 */
export function detectHarm(
  comparisons: readonly AbComparison[],
  latencyP99: MetricReading | undefined,
  guardrails: ReadonlySet<string>,
  plan: PreRegistration,
  champion: string,
  sloP99Seconds: number,
): AbHarm[] {
  const harm: AbHarm[] = [];
  if (guardrails.has("error_rate"))
    for (const c of comparisons) {
      if (c.metric !== "error_rate" || c.lower === null || !(c.lower > 0)) continue;
      harm.push({
        variantName: c.variantName,
        metric: "error_rate",
        detail:
          `Server-error rate ${percent(c.treatment.value ?? 0)} against the champion's ${percent(c.control.value ?? 0)}: ` +
          `higher by at least ${percent(c.lower)} (always-valid bound at α = ${c.alpha})`,
      });
    }
  if (guardrails.has("latency_p99") && latencyP99?.ok && latencyP99.threshold) {
    const bound = latencyP99.threshold.seconds;
    const objective = { n: 1, mean: P99_TAIL, variance: 0 };
    for (const c of comparisons) {
      if (c.metric !== "latency_p99") continue;
      const arm = latencyP99.arms.get(c.variantName);
      if (!arm || !(arm.n > 0) || !(arm.variance > 0)) continue;
      const tau2 = oneSampleMixingVariance(plan, champion, c.variantName, c.alpha);
      const look = msprtLook(objective, arm, tau2, { alpha: c.alpha });
      if (!(look.lower > 0)) continue;
      harm.push({
        variantName: c.variantName,
        metric: "latency_p99",
        detail:
          `p99 latency above the endpoint's objective of ${sloP99Seconds * 1000} ms: ${percent(arm.mean)} of ` +
          `${arm.n} requests slower than ${bound * 1000} ms, at least ${percent(P99_TAIL + look.lower)} ` +
          `(always-valid bound at α = ${c.alpha}; a p99 within the objective allows 1 %)`,
      });
    }
  }
  return harm;
}
