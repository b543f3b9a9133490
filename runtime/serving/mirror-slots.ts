/** Mirrored requests a shadow variant may have in flight (queued, batching or running) before more are dropped. */
export const MAX_MIRRORS_IN_FLIGHT = 256;

/**
 * Bounds one shadow's mirrored requests in flight, so a slow or stuck shadow costs bounded memory and never builds a
 * queue that outlives the traffic: past the bound a mirror is refused (the caller drops and counts it).
 */
export class MirrorSlots {
  private used = 0;

  constructor(readonly limit: number = MAX_MIRRORS_IN_FLIGHT) {}

  get inFlight(): number {
    return this.used;
  }

  /** Takes a slot; false when all are taken. */
  tryEnter(): boolean {
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  leave(): void {
    if (this.used > 0) this.used--;
  }
}
