import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { DynamicBatcher } from "@/runtime/serving/batcher";

function recordingBatcher(options: { maxBatchSize: number; maxQueueDelayMs: number }, fail = false) {
  const batches: number[][] = [];
  const batcher = new DynamicBatcher<number, number>(options, async (items) => {
    batches.push(items);
    await sleep(1);
    if (fail) throw new Error("model failed");
    return items.map((x) => x * 10);
  });
  return { batcher, batches };
}

describe("DynamicBatcher", () => {
  it("runs requests that arrive together as one batch and hands each its own results", async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 32, maxQueueDelayMs: 5 });
    const results = await Promise.all([batcher.submit([1]), batcher.submit([2, 3]), batcher.submit([4])]);
    expect(results).toEqual([[10], [20, 30], [40]]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it("runs a batch as soon as it is full, without waiting for the delay", async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 2, maxQueueDelayMs: 10_000 });
    const started = performance.now();
    await Promise.all([batcher.submit([1]), batcher.submit([2]), batcher.submit([3]), batcher.submit([4])]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("waits at most maxQueueDelayMs for a partial batch", async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 100, maxQueueDelayMs: 30 });
    const started = performance.now();
    await batcher.submit([7]);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(25);
    expect(waited).toBeLessThan(500);
    expect(batches).toEqual([[7]]);
  });

  it("never splits a request: a request bigger than the batch size runs alone", async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 3, maxQueueDelayMs: 1 });
    const results = await Promise.all([batcher.submit([1, 2]), batcher.submit([3, 4, 5, 6]), batcher.submit([7])]);
    expect(results).toEqual([[10, 20], [30, 40, 50, 60], [70]]);
    expect(batches).toEqual([[1, 2], [3, 4, 5, 6], [7]]);
  });

  it("with a delay of 0 batches what arrived in the same event-loop turn", async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 64, maxQueueDelayMs: 0 });
    await Promise.all([batcher.submit([1]), batcher.submit([2])]);
    await batcher.submit([3]);
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it("fails every request of a batch whose run fails", async () => {
    const { batcher } = recordingBatcher({ maxBatchSize: 8, maxQueueDelayMs: 1 }, true);
    const outcomes = await Promise.allSettled([batcher.submit([1]), batcher.submit([2])]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
  });

  it("drain runs what is queued and waits for it", async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 100, maxQueueDelayMs: 10_000 });
    const pending = batcher.submit([5]);
    await batcher.drain();
    expect(batches).toEqual([[5]]);
    await expect(pending).resolves.toEqual([50]);
  });
});
