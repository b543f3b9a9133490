import type { CaptureCounts } from "@/runtime/capture/capture-counts";
import {
  CaptureGroups,
  type CaptureGroup,
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

/** What one stream entry (one XADD) may hold at most, in characters of JSON, whatever its row count. */
export const MAX_ENTRY_CHARS = 1024 * 1024;
/** What the buffer may hold at most, in characters of JSON, besides its row capacity. */
export const DEFAULT_MAX_BUFFERED_CHARS = 32 * 1024 * 1024;

/**
 * The bounded in-process queue between the request path and the flusher. `offer` never waits and never throws:
 * past `capacity` waiting rows or `maxChars` of JSON, new rows are dropped and counted (`dropped_buffer_full`).
 * An accepted row is serialised when it is offered, so the buffer holds one short string per row and no reference to
 * the request's objects: those die young, as they would without capture, instead of being kept for the flusher's
 * linger and surviving (being copied by) the young-generation collections in between.
 */
export class CaptureBuffer {
  private entries: PendingCapture[] = [];
  private rowCount = 0;
  private chars = 0;
  private readonly groups = new CaptureGroups();
  private waiter: { rows: number; wake: () => void } | undefined;

  constructor(
    readonly capacity: number,
    private readonly counts: CaptureCounts,
    private readonly maxChars = DEFAULT_MAX_BUFFERED_CHARS,
  ) {}

  /** Rows waiting (a request captured whole counts its rows). */
  get size(): number {
    return this.rowCount;
  }

  /** Queues the request's rows at `indices`; returns how many were queued (the rest were dropped and counted). */
  offer(request: CapturedRequest, indices: readonly number[]): number {
    const room = Math.max(0, this.capacity - this.rowCount);
    const accepted = Math.min(room, indices.length);
    let queued = 0;
    if (accepted > 0) {
      const group = this.groups.of(request);
      for (; queued < accepted && this.chars < this.maxChars; queued++)
        this.push(group, captureRowJson(request, indices[queued]!), 1, false);
    }
    return this.accepted(request, indices.length, queued);
  }

  /** Queues every row of a request as its texts, or none of them when they do not all fit (dropped and counted). */
  offerWhole(request: CapturedRequest, texts: CapturedTexts): number {
    const rows = request.predictions.length;
    const fits = this.rowCount + rows <= this.capacity && this.chars < this.maxChars;
    if (fits) this.push(this.groups.of(request), captureRequestJson(request, texts), rows, true);
    return this.accepted(request, rows, fits ? rows : 0);
  }

  private push(group: CaptureGroup, json: string, rows: number, whole: boolean) {
    this.entries.push({ group, json, rows, whole });
    this.rowCount += rows;
    this.chars += json.length;
  }

  private accepted(request: CapturedRequest, offered: number, accepted: number): number {
    this.counts.add(request.endpoint, "dropped_buffer_full", offered - accepted);
    if (this.waiter && this.rowCount >= this.waiter.rows) this.waiter.wake();
    return accepted;
  }

  /**
   * Removes and returns the oldest waiting entries, up to `max` rows and MAX_ENTRY_CHARS of JSON (at least one entry,
   * however large: a request captured whole is never split).
   */
  take(max: number): PendingCapture[] {
    if (this.rowCount <= max && this.chars <= MAX_ENTRY_CHARS) {
      const all = this.entries;
      this.entries = [];
      this.rowCount = 0;
      this.chars = 0;
      return all;
    }
    let count = 0;
    let rows = 0;
    let chars = 0;
    for (; count < this.entries.length; count++) {
      const entry = this.entries[count]!;
      if (count > 0 && (rows + entry.rows > max || chars + entry.json.length > MAX_ENTRY_CHARS)) break;
      rows += entry.rows;
      chars += entry.json.length;
    }
    this.rowCount -= rows;
    this.chars -= chars;
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
