import { Redis } from "ioredis";
import { log } from "@/runtime/logger";

/** Where the flusher writes serialised capture records. */
export type CaptureSink = {
  /** False while the destination is unreachable: the flusher then drops (and counts) instead of writing. */
  readonly ready: boolean;
  /** Appends one batch (a CaptureBatch as UTF-8 JSON) as one entry; answers whether it was appended. Never rejects. */
  append(batch: Buffer): Promise<boolean>;
  close(): Promise<void>;
};

/**
 * The Redis Stream sink: one XADD per batch (field `batch`), trimmed with MAXLEN ~ (counted in
 * entries) so a stalled loader cannot fill Redis.
 * Commands are never queued while disconnected (enableOfflineQueue false) and never retried: a record that could not
 * be appended is dropped and counted, and the request path never waits for Redis.
 */
export class RedisStreamSink implements CaptureSink {
  private readonly client: Redis;
  private announcedDown = false;

  constructor(
    url: string,
    private readonly streamKey: string,
    private readonly maxLength: number,
  ) {
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    this.client.on("error", (error: Error) => {
      if (this.announcedDown) return;
      this.announcedDown = true;
      log().error(`Capture: Redis unreachable (${error.message}); captured rows are dropped and counted`);
    });
    this.client.on("ready", () => {
      if (this.announcedDown) log().info("Capture: Redis is back; capturing again");
      this.announcedDown = false;
    });
  }

  get ready(): boolean {
    return this.client.status === "ready";
  }

  async append(batch: Buffer): Promise<boolean> {
    return this.client
      .xadd(this.streamKey, "MAXLEN", "~", this.maxLength, "*", "batch", batch)
      .then(() => true)
      .catch(() => false);
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
