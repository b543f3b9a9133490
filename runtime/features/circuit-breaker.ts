export type BreakerState = "closed" | "open" | "half_open";

export type BreakerOptions = {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before one probe may try again. */
  openMs: number;
};

/**
 * A circuit breaker around a store: closed, calls go through; after `failureThreshold` failures in a row it opens and
 * calls skip the store for `openMs`; then it is half open and lets one call through as a probe (others still skip):
 * the probe's success closes it, its failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private probing = false;

  constructor(
    private readonly options: BreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.openedAt === undefined) return "closed";
    return this.now() - this.openedAt >= this.options.openMs ? "half_open" : "open";
  }

  /** Whether a call may go to the store now; a half-open breaker admits one probe at a time. */
  allow(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "open" || this.probing) return false;
    this.probing = true;
    return true;
  }

  succeeded() {
    this.failures = 0;
    this.openedAt = undefined;
    this.probing = false;
  }

  failed() {
    this.probing = false;
    this.failures += 1;
    if (this.openedAt !== undefined || this.failures >= this.options.failureThreshold) this.openedAt = this.now();
  }
}
