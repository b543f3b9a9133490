/**
 * What became of every predicted row, by endpoint (live rows; a shadow's are counted apart): one outcome each, so that
 * predicted rows = captured + dropped_buffer_full + dropped_redis_down + capture_off + not_sampled (+ rows still
 * waiting in the buffer). `dropped_redis_down` may over-count by the rows of a pipeline whose reply was lost with the
 * connection (Redis may have appended them); nothing is ever under-counted.
 */
export const CAPTURE_OUTCOMES = [
  "captured",
  "dropped_buffer_full",
  "dropped_redis_down",
  "capture_off",
  "not_sampled",
] as const;
export type CaptureOutcome = (typeof CAPTURE_OUTCOMES)[number];

/**
 * Plain per-endpoint counts, handed to the Prometheus counters when they are collected (the hot path hashes nothing).
 * A shadow variant's rows (mirrored, never answered) are kept apart, by endpoint and shadow variant, for
 * modelport_runtime_shadow_capture_total: the live identity above then holds for live rows alone, and the same one holds
 * per shadow variant against modelport_runtime_shadow_rows_total.
 */
export class CaptureCounts {
  private readonly pending = new Map<string, Record<CaptureOutcome, number>>();
  private readonly shadowPending = new Map<
    string,
    { endpoint: string; variant: string; counts: Record<CaptureOutcome, number> }
  >();

  /** Counts rows of the endpoint's live traffic, or of its shadow variant `shadowVariant`'s mirrored requests. */
  add(endpoint: string, outcome: CaptureOutcome, count: number, shadowVariant?: string) {
    if (count === 0) return;
    if (shadowVariant !== undefined) return this.addShadow(endpoint, shadowVariant, outcome, count);
    let counts = this.pending.get(endpoint);
    if (!counts) this.pending.set(endpoint, (counts = zeroCounts()));
    counts[outcome] += count;
  }

  private addShadow(endpoint: string, variant: string, outcome: CaptureOutcome, count: number) {
    const key = `${endpoint}\u0000${variant}`;
    let entry = this.shadowPending.get(key);
    if (!entry) this.shadowPending.set(key, (entry = { endpoint, variant, counts: zeroCounts() }));
    entry.counts[outcome] += count;
  }

  /** Hands every pending live count to `into` and starts again from zero. */
  drain(into: (endpoint: string, outcome: CaptureOutcome, count: number) => void) {
    for (const [endpoint, counts] of this.pending) {
      for (const outcome of CAPTURE_OUTCOMES) if (counts[outcome] > 0) into(endpoint, outcome, counts[outcome]);
    }
    this.pending.clear();
  }

  /** Hands every pending shadow count to `into` and starts again from zero. */
  drainShadow(into: (endpoint: string, variant: string, outcome: CaptureOutcome, count: number) => void) {
    for (const { endpoint, variant, counts } of this.shadowPending.values()) {
      for (const outcome of CAPTURE_OUTCOMES)
        if (counts[outcome] > 0) into(endpoint, variant, outcome, counts[outcome]);
    }
    this.shadowPending.clear();
  }
}

/** The shadow variant whose mirrored request this is (it has `mirrorOf`), for CaptureCounts; undefined when live. */
export const shadowVariantOf = (request: { variant: string; mirrorOf?: readonly string[] }): string | undefined =>
  request.mirrorOf ? request.variant : undefined;

const zeroCounts = (): Record<CaptureOutcome, number> => ({
  captured: 0,
  dropped_buffer_full: 0,
  dropped_redis_down: 0,
  capture_off: 0,
  not_sampled: 0,
});
