import { Worker } from "node:worker_threads";
import type { CaptureBatchParts } from "@/runtime/capture/capture-batch";
import type { CaptureSink } from "@/runtime/capture/capture-sink";

export type CaptureThreadSettings = { url: string; streamKey: string; maxLength: number };
export type ToCaptureThread = { type: "append"; id: number; batch: CaptureBatchParts } | { type: "close" };
export type FromCaptureThread =
  { type: "ready"; ready: boolean } | { type: "appended"; id: number; ok: boolean } | { type: "closed" };

const THREAD_FILE = new URL("./capture-thread.ts", import.meta.url).href;
// As for the inference threads: Node 20 does not apply the parent's module hooks to a worker's entry file.
const THREAD_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(THREAD_FILE)}); });`;

/**
 * The runtime's capture sink: a Redis Stream sink (RedisStreamSink) on a thread of its own. The flusher's grouped
 * batches are handed over as they are (structured clone: numbers travel as binary, nothing is formatted) and the
 * thread writes the JSON and the XADD. Never rejects: if the thread dies, every pending and later append answers
 * false (rows dropped and counted as `dropped_redis_down`) and `ready` stays false.
 */
export class CaptureThreadSink implements CaptureSink {
  private readonly worker: Worker;
  private connected = false;
  private alive = true;
  private nextId = 1;
  private readonly pending = new Map<number, (ok: boolean) => void>();
  private onClosed: (() => void) | undefined;

  constructor(settings: CaptureThreadSettings) {
    this.worker = new Worker(THREAD_BOOTSTRAP, { eval: true, workerData: settings });
    this.worker.on("message", (message: FromCaptureThread) => {
      if (message.type === "ready") this.connected = message.ready;
      else if (message.type === "appended") this.settle(message.id, message.ok);
      else this.onClosed?.();
    });
    this.worker.on("error", (error: Error) => {
      console.error("Capture thread failed; captured rows are dropped and counted:", error);
      this.fail();
    });
    this.worker.on("exit", () => this.fail());
  }

  get ready(): boolean {
    return this.alive && this.connected;
  }

  append(batch: CaptureBatchParts): Promise<boolean> {
    if (!this.alive) return Promise.resolve(false);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ type: "append", id, batch } satisfies ToCaptureThread);
    });
  }

  async close(): Promise<void> {
    if (this.alive) {
      await new Promise<void>((resolve) => {
        this.onClosed = resolve;
        this.worker.postMessage({ type: "close" } satisfies ToCaptureThread);
      });
    }
    await this.worker.terminate();
  }

  private settle(id: number, ok: boolean) {
    const resolve = this.pending.get(id);
    this.pending.delete(id);
    resolve?.(ok);
  }

  private fail() {
    this.alive = false;
    this.connected = false;
    for (const resolve of this.pending.values()) resolve(false);
    this.pending.clear();
    this.onClosed?.();
  }
}
