import type { GuardrailReading } from "@/server/integrations/targets/guardrail-source";

export type GuardrailLimits = { maxErrorRate: number; maxP99Ms: number; minRequests: number };

export const DEFAULT_GUARDRAILS: GuardrailLimits = { maxErrorRate: 0.05, maxP99Ms: 250, minRequests: 20 };

/** Why a reading breaches the limits, or null. Too few requests to judge is not a breach. */
export function guardrailBreach(reading: GuardrailReading, limits: GuardrailLimits): string | null {
  if (reading.requests < limits.minRequests) return null;
  if (reading.errorRate > limits.maxErrorRate) {
    return `error rate ${(reading.errorRate * 100).toFixed(1)}% over ${reading.requests} requests exceeds ${(limits.maxErrorRate * 100).toFixed(1)}%`;
  }
  if (reading.p99Ms !== null && reading.p99Ms > limits.maxP99Ms) {
    return `p99 latency ${reading.p99Ms.toFixed(0)} ms exceeds ${limits.maxP99Ms} ms`;
  }
  return null;
}
