export type BatchingOptions = { maxBatchSize: number; maxQueueDelayMs: number };

type Pending<Item, Result> = { items: Item[]; resolve: (results: Result[]) => void; reject: (error: unknown) => void };

/**
 * Dynamic batching: requests' rows queue up until `maxBatchSize` rows are waiting or the oldest has waited
 * `maxQueueDelayMs` (0 = whatever arrived in the same event-loop turn), then run as one batch whose results are
 * handed back to each request in order. A request's rows are never split across batches; a request larger than
 * `maxBatchSize` runs as a batch of its own.
 */
export class DynamicBatcher<Item, Result> {
  private queue: Pending<Item, Result>[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private options: BatchingOptions,
    private readonly runBatch: (items: Item[]) => Promise<Result[]>,
    private readonly onBatch: (size: number) => void = () => {},
  ) {}

  setOptions(options: BatchingOptions) {
    this.options = options;
    if (this.queuedRows >= options.maxBatchSize) this.flush();
  }

  submit(items: Item[]): Promise<Result[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.queuedRows += items.length;
      if (this.queuedRows >= this.options.maxBatchSize) this.flush();
      else this.schedule();
    });
  }

  /** Runs everything queued now and waits for every batch in flight; used before a variant is unloaded. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all([...this.inFlight]);
  }

  private schedule() {
    if (this.timer) return;
    const { maxQueueDelayMs } = this.options;
    this.timer =
      maxQueueDelayMs > 0 ? setTimeout(() => this.flush(), maxQueueDelayMs) : setImmediate(() => this.flush());
  }

  private clearTimer() {
    if (!this.timer) return;
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = undefined;
  }

  private flush() {
    this.clearTimer();
    while (this.queue.length > 0) {
      const batch = this.takeBatch();
      this.start(batch);
    }
  }

  private takeBatch(): Pending<Item, Result>[] {
    const batch: Pending<Item, Result>[] = [];
    let rows = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (batch.length > 0 && rows + next.items.length > this.options.maxBatchSize) break;
      batch.push(this.queue.shift()!);
      rows += next.items.length;
    }
    this.queuedRows -= rows;
    return batch;
  }

  private start(batch: Pending<Item, Result>[]) {
    const items = batch.flatMap((pending) => pending.items);
    this.onBatch(items.length);
    const running = this.runBatch(items)
      .then((results) => {
        if (results.length !== items.length)
          throw new Error(`A batch of ${items.length} rows gave ${results.length} results`);
        let offset = 0;
        for (const pending of batch) {
          pending.resolve(results.slice(offset, offset + pending.items.length));
          offset += pending.items.length;
        }
      })
      .catch((error: unknown) => {
        for (const pending of batch) pending.reject(error);
      });
    const tracked = running.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}
