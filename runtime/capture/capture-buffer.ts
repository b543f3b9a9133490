import type { CaptureCounts } from "@/runtime/capture/capture-counts";
import {
  CaptureGroups,
  captureRequestJson,
  captureRowJson,
  type CapturedTexts,
  type PendingCapture,
} from "@/runtime/capture/capture-batch";
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
  /**
   * The request and response texts, when the serving path has them: a request captured whole is written as these,
   * joined into the entry as they are — so each must be one complete JSON value (the request's was parsed, the
   * response's written by JSON.stringify).
   */
  texts?: CapturedTexts;
};

/**
 * The bounded in-process queue between the request path and the flusher. `offer` never waits and never throws:
 * past `capacity` waiting rows, new rows are dropped and counted (`dropped_buffer_full`).
 * An accepted row is serialised when it is offered, so the buffer holds one short string per row and no reference to
 * the request's objects: those die young, as they would without capture, instead of being kept for the flusher's
 * linger and surviving (being copied by) the young-generation collections in between.
 */
export class CaptureBuffer {
  private entries: PendingCapture[] = [];
  private rowCount = 0;
  private readonly groups = new CaptureGroups();
  private waiter: { rows: number; wake: () => void } | undefined;

  constructor(
    readonly capacity: number,
    private readonly counts: CaptureCounts,
  ) {}

  /** Rows waiting (a request captured whole counts its rows). */
  get size(): number {
    return this.rowCount;
  }

  /** Queues the request's rows at `indices`; returns how many were queued (the rest were dropped and counted). */
  offer(request: CapturedRequest, indices: readonly number[]): number {
    const room = Math.max(0, this.capacity - this.rowCount);
    const accepted = Math.min(room, indices.length);
    if (accepted > 0) {
      const group = this.groups.of(request);
      for (let i = 0; i < accepted; i++)
        this.entries.push({ group, json: captureRowJson(request, indices[i]!), rows: 1, whole: false });
    }
    return this.accepted(request, indices.length, accepted);
  }

  /** Queues every row of a request as its texts, or none of them when they do not all fit (dropped and counted). */
  offerWhole(request: CapturedRequest, texts: CapturedTexts): number {
    const rows = request.predictions.length;
    const accepted = this.rowCount + rows <= this.capacity ? rows : 0;
    if (accepted > 0)
      this.entries.push({
        group: this.groups.of(request),
        json: captureRequestJson(request, texts),
        rows,
        whole: true,
      });
    return this.accepted(request, rows, accepted);
  }

  private accepted(request: CapturedRequest, offered: number, accepted: number): number {
    this.rowCount += accepted;
    this.counts.add(request.endpoint, "dropped_buffer_full", offered - accepted);
    if (this.waiter && this.rowCount >= this.waiter.rows) this.waiter.wake();
    return accepted;
  }

  /** Removes and returns the oldest waiting entries, up to `max` rows (at least one entry, however many rows). */
  take(max: number): PendingCapture[] {
    if (this.rowCount <= max) {
      const all = this.entries;
      this.entries = [];
      this.rowCount = 0;
      return all;
    }
    let count = 0;
    let rows = 0;
    while (count < this.entries.length && (count === 0 || rows + this.entries[count]!.rows <= max))
      rows += this.entries[count++]!.rows;
    this.rowCount -= rows;
    return this.entries.splice(0, count);
  }

  /** Resolves once at least `rows` rows are waiting (at once if they already are) or after `timeoutMs`. */
  waitForRows(rows: number, timeoutMs: number): Promise<void> {
    if (this.rowCount >= rows) return Promise.resolve();
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
