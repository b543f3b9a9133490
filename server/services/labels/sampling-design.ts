import { createHash } from "node:crypto";
import type { LabelStratum } from "@/contracts/label-strata";
import type { SamplingSettings } from "@/contracts/labels";

/**
 * The sampling design (pure). Poisson sampling: each prediction i is included independently with probability
 * π_i = f · (1 − Π_{s ∈ S_i} (1 − p_s)), where S_i are the strata that apply to it, p_s the queue's rate for stratum s
 * and f ≤ 1 the run's budget factor. The draw is u_i < π_i with u_i = hash(queue salt, predictionId) ∈ [0, 1), so the
 * same prediction gets the same decision in every rerun. What must never happen:
 * - an item whose recorded probability is not the probability it had of being picked (no truncation after drawing,
 *   no re-draws conditioned on the outcome);
 * - a prediction picked twice for one queue (the unique key, and u_i is deterministic);
 * - a run whose expected draw exceeds what the day's budget has left (f is chosen before drawing).
 */

/** A deterministic uniform in [0, 1) from the queue's salt and the prediction id (53 bits of SHA-256). */
export function uniformOf(salt: string, predictionId: string): number {
  const digest = createHash("sha256").update(salt).update("\u0000").update(predictionId).digest();
  const high = digest.readUInt32BE(0) >>> 11; // 21 bits
  const low = digest.readUInt32BE(4); // 32 bits
  return (high * 2 ** 32 + low) / 2 ** 53;
}

export type Design = { probability: number; stratum: LabelStratum; strata: LabelStratum[] };

/**
 * The unscaled inclusion probability 1 − Π(1 − p_s) over the applying strata with p_s > 0, and the recorded stratum:
 * the applying stratum with the largest rate (ties: the order of `strata`). Null when no stratum can pick it.
 */
export function designOf(strata: readonly LabelStratum[], rates: SamplingSettings["rates"]): Design | null {
  const active = strata.filter((s) => rates[s] > 0);
  if (active.length === 0) return null;
  // π ← π + p·(1 − π) equals 1 − Π(1 − p) and is exactly p for a single stratum (no 1 − (1 − p) rounding).
  const probability = active.reduce((pi, s) => pi + rates[s] * (1 - pi), 0);
  const stratum = active.reduce((best, s) => (rates[s] > rates[best] ? s : best), active[0]!);
  return { probability, stratum, strata: active };
}

/** Standard deviations of head-room kept below the day's remaining budget, so a realised draw stays within it. */
export const BUDGET_SIGMAS = 3;

/** The largest mean μ of a Poisson-binomial count with μ + 3√μ ≤ remaining (its variance is at most its mean). */
export function safeMean(remaining: number): number {
  if (remaining <= 0) return 0;
  return (Math.sqrt(remaining + (BUDGET_SIGMAS * BUDGET_SIGMAS) / 4) - BUDGET_SIGMAS / 2) ** 2;
}

/**
 * The run's budget factor f ∈ [0, 1], chosen BEFORE drawing from the expected count E = Σ π_i of the window's
 * candidates: the run's mean draw f·E is at most its paced allowance and at most safeMean(remaining), so the day's
 * budget holds unless the draw lands more than 3σ above its mean (probability < 0.2%, by a few items). Head-room is
 * given up rather than truncating, which would make the recorded π wrong.
 */
export function budgetFactor(expected: number, allowance: number, remaining: number): number {
  const mean = Math.min(allowance, safeMean(remaining));
  if (mean <= 0) return 0;
  if (expected <= 0) return 1;
  return Math.min(1, mean / expected);
}

/**
 * What this run may spend: the day's remaining budget paced over the rest of the UTC day (of `now`), by the share of
 * that time the run's window covers, so a queue is not used up by the first hour's traffic.
 */
export function runAllowance(remaining: number, windowStart: Date, windowEnd: Date, now: Date): number {
  if (remaining <= 0) return 0;
  const endOfDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  const span = endOfDay - windowStart.getTime();
  if (span <= 0) return remaining;
  const share = (windowEnd.getTime() - windowStart.getTime()) / span;
  return remaining * Math.min(1, Math.max(0, share));
}
