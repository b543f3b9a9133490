/** Mirrored requests a shadow variant may have in flight (queued, batching or running) before more are dropped. */
export const MAX_MIRRORS_IN_FLIGHT = 256;
/** Rows those requests may hold in all: a request may carry 10,000 rows, so a count of requests alone bounds nothing. */
export const MAX_MIRRORED_ROWS_IN_FLIGHT = 20_000;

/**
 * Bounds one shadow's mirrored requests and rows in flight, so a slow or stuck shadow costs bounded memory and never
 * builds a queue that outlives the traffic: past either bound a mirror is refused (the caller drops and counts it).
 */
export class MirrorSlots {
  private used = 0;
  private rows = 0;

  constructor(
    readonly limit: number = MAX_MIRRORS_IN_FLIGHT,
    readonly rowLimit: number = MAX_MIRRORED_ROWS_IN_FLIGHT,
  ) {}

  get inFlight(): number {
    return this.used;
  }

  /** Takes a slot for a request of `rows` rows; false when it would pass either bound. */
  tryEnter(rows = 1): boolean {
    if (this.used >= this.limit || this.rows + rows > this.rowLimit) return false;
    this.used++;
    this.rows += rows;
    return true;
  }

  leave(rows = 1): void {
    if (this.used > 0) this.used--;
    this.rows = Math.max(0, this.rows - rows);
  }
}
