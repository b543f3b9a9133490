import { z } from "zod";

/** What a guardrail source measured for one variant over a window. */
export type GuardrailReading = { requests: number; errorRate: number; p99Ms: number | null };

/** One variant's traffic from `from` until now: the bake's window, which starts at the bake's first try. */
export type GuardrailWindow = { endpointName: string; variantName: string; from: Date };

/**
 * Cumulative counters as a source saw them when a bake began. Sources that can only read counters as they are now
 * (the local runtime's /metrics) difference later readings against it; the bake keeps it with its step, so a bake
 * resumed by another worker still reads over its whole window. Bucket bounds are strings ("+Inf" is not JSON).
 */
export const guardrailMarkSchema = z.object({
  requests: z.number().min(0),
  errors: z.number().min(0),
  buckets: z.array(z.object({ le: z.string(), count: z.number().min(0) })),
});
export type GuardrailMark = z.infer<typeof guardrailMarkSchema>;

/**
 * Where a target's guardrail readings come from: the local runtime's own metrics, the portal's Prometheus over the
 * serving pods' series (Kubernetes), CloudWatch (SageMaker).
 */
export interface GuardrailSource {
  /** The counters to difference against later, for sources that cannot read a past window; null for those that can. */
  mark(endpointName: string, variantName: string): Promise<GuardrailMark | null>;
  /** The variant's requests, error rate and p99 latency over the window (since `mark` was taken, when there is one). */
  read(window: GuardrailWindow, mark: GuardrailMark | null): Promise<GuardrailReading>;
}
