/**
 * What became of every predicted row, by endpoint: exactly one outcome each, so that
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

/** Plain per-endpoint counts, handed to the Prometheus counter when it is collected (the hot path hashes nothing). */
export class CaptureCounts {
  private readonly pending = new Map<string, Record<CaptureOutcome, number>>();

  add(endpoint: string, outcome: CaptureOutcome, count: number) {
    if (count === 0) return;
    let counts = this.pending.get(endpoint);
    if (!counts) this.pending.set(endpoint, (counts = zeroCounts()));
    counts[outcome] += count;
  }

  /** Hands every pending count to `into` and starts again from zero. */
  drain(into: (endpoint: string, outcome: CaptureOutcome, count: number) => void) {
    for (const [endpoint, counts] of this.pending) {
      for (const outcome of CAPTURE_OUTCOMES) if (counts[outcome] > 0) into(endpoint, outcome, counts[outcome]);
    }
    this.pending.clear();
  }
}

const zeroCounts = (): Record<CaptureOutcome, number> => ({
  captured: 0,
  dropped_buffer_full: 0,
  dropped_redis_down: 0,
  capture_off: 0,
  not_sampled: 0,
});
