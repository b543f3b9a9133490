/** What a guardrail source measured for one variant over a recent window. */
export type GuardrailReading = { requests: number; errorRate: number; p99Ms: number | null };

export interface GuardrailSource {
  read(endpointName: string, variantName: string, windowSeconds: number): Promise<GuardrailReading>;
}
