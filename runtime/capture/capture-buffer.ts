import type { CaptureCounts } from "@/runtime/capture/capture-counts";
import { CaptureGroups, captureRowJson, type PendingRow } from "@/runtime/capture/capture-batch";
import type { Prediction } from "@/contracts/runtime-predict";

/** What one prediction request shares with each of its captured rows (built once per request). */
export type CapturedRequest = {
  endpoint: string;
  variant: string;
  modelName?: string;
  modelVersion?: number;
  /** The signature's inputs: only these of a row's fields are captured, with the values the caller sent. */
  inputs: ReadonlyArray<{ name: string }>;
  rows: readonly unknown[];
  predictions: readonly Prediction[];
  predictionIds: readonly string[];
  correlationIds?: readonly string[];
  latencyMs: number;
  captureProbability: number;
  predictedAtMs: number;
};

/**
 * The bounded in-process queue between the request path and the flusher. `offer` never waits and never throws:
 * past `capacity` waiting rows, new rows are dropped and counted (`dropped_buffer_full`).
 * An accepted row is serialised when it is offered, so the buffer holds one short string per row and no reference to
 * the request's objects: those die young, as they would without capture, instead of being kept for the flusher's
 * linger and surviving (being copied by) the young-generation collections in between.
 */
export class CaptureBuffer {
  private rows: PendingRow[] = [];
  private readonly groups = new CaptureGroups();
  private waiter: { rows: number; wake: () => void } | undefined;

  constructor(
    readonly capacity: number,
    private readonly counts: CaptureCounts,
  ) {}

  get size(): number {
    return this.rows.length;
  }

  /** Queues the request's rows at `indices`; returns how many were queued (the rest were dropped and counted). */
  offer(request: CapturedRequest, indices: readonly number[]): number {
    const room = Math.max(0, this.capacity - this.rows.length);
    const accepted = Math.min(room, indices.length);
    if (accepted > 0) {
      const group = this.groups.of(request);
      for (let i = 0; i < accepted; i++) this.rows.push({ group, json: captureRowJson(request, indices[i]!) });
    }
    this.counts.add(request.endpoint, "dropped_buffer_full", indices.length - accepted);
    if (this.waiter && this.rows.length >= this.waiter.rows) this.waiter.wake();
    return accepted;
  }

  /** Removes and returns up to `max` of the oldest waiting rows. */
  take(max: number): PendingRow[] {
    if (this.rows.length <= max) {
      const all = this.rows;
      this.rows = [];
      return all;
    }
    return this.rows.splice(0, max);
  }

  /** Resolves once at least `rows` rows are waiting (at once if they already are) or after `timeoutMs`. */
  waitForRows(rows: number, timeoutMs: number): Promise<void> {
    if (this.rows.length >= rows) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        if (this.waiter?.wake === wake) this.waiter = undefined;
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.waiter = { rows, wake };
    });
  }
}
