import { z } from "zod";

/** Per-endpoint SLO rules: the objective's bounds, burn rates and when an endpoint alerts. Safe to import from the browser. */

/**
 * What an endpoint is held to until its data scientists set its own (and what endpoints Prometheus measures but the
 * portal does not know, such as test endpoints, are held to): p99 under 100 ms, the fraud-scoring reference, and
 * 99.9 % of requests answered without a server error.
 */
export const DEFAULT_SLO = { p99Ms: 100, availability: 0.999 } as const;

// Multi-window burn-rate alerting (Google SRE workbook): 14.4 over 1 h pages, 6 over 6 h opens a ticket.
export const FAST_BURN = 14.4;
export const SLOW_BURN = 6;

/** Fewer requests than this in the hour and its p99 is a handful of requests, too few to warn about. */
export const MIN_REQUESTS_FOR_P99 = 100;

export const endpointSloInput = z.object({
  endpointId: z.string().min(1),
  p99Ms: z
    .number()
    .min(1, "The p99 target must be at least 1 ms")
    .max(60_000, "The p99 target must be at most 60,000 ms"),
  availability: z
    .number()
    .min(0.9, "The objective must be at least 90 %")
    .max(0.99999, "The objective must be at most 99.999 %"),
});
export type EndpointSloInput = z.infer<typeof endpointSloInput>;

/** The share of requests allowed to fail; rounded so 1 − 0.999 is 0.001, not 0.0010000000000000009. */
export function errorBudget(availability: number): number {
  return Number((1 - availability).toPrecision(6));
}

/** 1 spends the error budget exactly over the SLO period; 14.4 over 1 h would spend a 30-day budget in about two days. */
export function burnRate(errorRatio: number | null, availability: number): number | null {
  return errorRatio === null ? null : errorRatio / errorBudget(availability);
}

export type SloMeasurement = {
  p99Seconds: number | null;
  requests1h: number | null;
  burn1h: number | null;
  p99TargetSeconds: number;
};
export type SloBreach = { severity: "WARNING" | "CRITICAL"; slow: boolean; fastBurn: boolean };

/** CRITICAL while the 1 h burn rate is fast; WARNING while p99 (1 h) is over target on enough requests; else null. */
export function classifySlo(m: SloMeasurement): SloBreach | null {
  const fastBurn = m.burn1h !== null && m.burn1h >= FAST_BURN;
  const slow =
    m.p99Seconds !== null && m.p99Seconds > m.p99TargetSeconds && (m.requests1h ?? 0) >= MIN_REQUESTS_FOR_P99;
  if (!fastBurn && !slow) return null;
  return { severity: fastBurn ? "CRITICAL" : "WARNING", slow, fastBurn };
}
