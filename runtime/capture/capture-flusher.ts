import type { CaptureBuffer } from "@/runtime/capture/capture-buffer";
import type { CaptureCounts, CaptureOutcome } from "@/runtime/capture/capture-counts";
import type { PendingBatch } from "@/runtime/capture/capture-batch";
import type { CaptureSink } from "@/runtime/capture/capture-sink";

const IDLE_WAIT_MS = 100;

/**
 * Moves captured rows from the buffer to the sink in the background, a batch at a time. While the sink is down the
 * waiting rows are dropped and counted (`dropped_redis_down`) instead of piling up, so the buffer stays free for the
 * moment Redis returns. Runs until `stop()`, which writes what is left once.
 */
export class CaptureFlusher {
  private stopped = false;
  private running: Promise<void> | undefined;
  /** Rows taken from the buffer whose append has not answered yet: still in memory, not yet counted. */
  inFlight = 0;

  constructor(
    private readonly buffer: CaptureBuffer,
    private readonly sink: CaptureSink,
    private readonly counts: CaptureCounts,
    private readonly lingerMs = 0,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  private async loop() {
    while (!this.stopped) {
      await this.buffer.waitForRows(1, IDLE_WAIT_MS);
      // A partial batch waits up to lingerMs to fill: under load that makes one XADD of a full batch instead of many
      // small ones, which is most of what capture costs the runtime and Redis.
      if (this.buffer.size > 0 && !this.stopped) await this.buffer.waitForRows(this.buffer.batchRows, this.lingerMs);
      await this.flushOnce();
    }
  }

  /** Writes (or drops, when the sink is down) one batch; answers how many rows it handled. */
  async flushOnce(): Promise<number> {
    const batch = this.buffer.take();
    if (!batch) return 0;
    const { rows } = batch;
    if (!this.sink.ready) {
      this.count(batch, "dropped_redis_down");
      batch.release();
      return rows;
    }
    this.inFlight = rows;
    const appended = await this.sink.append(batch.toBytes());
    this.count(batch, appended ? "captured" : "dropped_redis_down");
    batch.release();
    this.inFlight = 0;
    return rows;
  }

  private count(batch: PendingBatch, outcome: CaptureOutcome) {
    for (const { endpoint, shadowVariant, rows } of batch.rowsByGroup())
      this.counts.add(endpoint, outcome, rows, shadowVariant);
  }

  /** Stops the loop and flushes what is waiting (dropping it if the sink is down). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    while ((await this.flushOnce()) > 0);
  }
}
