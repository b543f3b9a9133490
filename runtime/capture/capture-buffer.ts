import { type CaptureCounts, shadowVariantOf } from "@/runtime/capture/capture-counts";
import { ArenaPool } from "@/runtime/capture/byte-arena";
import { CaptureGroups, captureRowJson, type CapturedTexts, PendingBatch } from "@/runtime/capture/capture-batch";
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
  /**
   * A shadow variant's request: the live predictions' ids its rows were mirrored from, by row. Captured row by row
   * (never whole), each row with its mirrorOf.
   */
  mirrorOf?: readonly string[];
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

/** What one stream entry (one XADD) may hold at most, in bytes of JSON, whatever its row count. */
export const MAX_ENTRY_BYTES = 1024 * 1024;
/** What the buffer may hold at most, in bytes of JSON, besides its row capacity. */
export const DEFAULT_MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export type CaptureBufferLimits = {
  /** Rows per batch (stream entry), unless one request captured whole has more: a request is never split. */
  batchRows?: number;
  maxBytes?: number;
};

/**
 * The bounded in-process queue between the request path and the flusher: batches of captured rows, each already
 * written as the bytes of one stream entry. `offer` never waits and never throws: past `capacity` waiting rows or
 * `maxBytes`, new rows are dropped and counted (`dropped_buffer_full`). Accepted rows are written when they are
 * offered, so the buffer holds no reference to the request's objects or texts: those die young, as they would without
 * capture, and what lingers until the flusher sends it is bytes outside the heap.
 */
export class CaptureBuffer {
  private readonly sealed: PendingBatch[] = [];
  private open: PendingBatch;
  private rowCount = 0;
  private byteCount = 0;
  private readonly groups = new CaptureGroups();
  private readonly pool = new ArenaPool();
  private waiter: { rows: number; wake: () => void } | undefined;
  readonly batchRows: number;
  private readonly maxBytes: number;

  constructor(
    readonly capacity: number,
    private readonly counts: CaptureCounts,
    limits: CaptureBufferLimits = {},
  ) {
    this.batchRows = limits.batchRows ?? 1_000;
    this.maxBytes = limits.maxBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.open = new PendingBatch(MAX_ENTRY_BYTES, this.pool);
  }

  /** Rows waiting (a request captured whole counts its rows). */
  get size(): number {
    return this.rowCount;
  }

  /** Queues the request's rows at `indices`; returns how many were queued (the rest were dropped and counted). */
  offer(request: CapturedRequest, indices: readonly number[]): number {
    const accepted = Math.min(Math.max(0, this.capacity - this.rowCount), indices.length);
    let queued = 0;
    if (accepted > 0) {
      const group = this.groups.of(request);
      for (; queued < accepted && this.byteCount < this.maxBytes; queued++) {
        const json = captureRowJson(request, indices[queued]!);
        const bytesBefore = this.roomFor(1);
        if (this.open.addRow(group, json)) this.added(1, bytesBefore);
        else {
          this.seal();
          this.open.addRow(group, json);
          this.added(1, 0);
        }
      }
    }
    return this.accepted(request, indices.length, queued);
  }

  /** Queues every row of a request as its texts, or none of them when they do not all fit (dropped and counted). */
  offerWhole(request: CapturedRequest, texts: CapturedTexts): number {
    const rows = request.predictions.length;
    const fits = this.rowCount + rows <= this.capacity && this.byteCount < this.maxBytes;
    if (fits) {
      const group = this.groups.of(request);
      const bytesBefore = this.roomFor(rows);
      if (this.open.addRequest(group, request, texts)) this.added(rows, bytesBefore);
      else {
        // Past the entry's byte bound: the entry goes first in a new batch, where it always fits.
        this.seal();
        this.open.addRequest(group, request, texts);
        this.added(rows, 0);
      }
    }
    return this.accepted(request, rows, fits ? rows : 0);
  }

  /** Seals the open batch when `rows` more would take it past its row bound; answers its bytes before the add. */
  private roomFor(rows: number): number {
    if (this.open.rows > 0 && this.open.rows + rows > this.batchRows) this.seal();
    return this.open.bytes;
  }

  private added(rows: number, bytesBefore: number) {
    this.rowCount += rows;
    this.byteCount += this.open.bytes - bytesBefore;
  }

  private seal() {
    this.sealed.push(this.open);
    this.open = new PendingBatch(MAX_ENTRY_BYTES, this.pool);
  }

  private accepted(request: CapturedRequest, offered: number, accepted: number): number {
    this.counts.add(request.endpoint, "dropped_buffer_full", offered - accepted, shadowVariantOf(request));
    if (this.waiter && this.rowCount >= this.waiter.rows) this.waiter.wake();
    return accepted;
  }

  /** Removes and returns the oldest batch (sealing the one being filled when it is the only one), if any. */
  take(): PendingBatch | undefined {
    if (this.sealed.length === 0 && this.open.rows > 0) this.seal();
    const batch = this.sealed.shift();
    if (batch) {
      this.rowCount -= batch.rows;
      this.byteCount -= batch.bytes;
    }
    return batch;
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
