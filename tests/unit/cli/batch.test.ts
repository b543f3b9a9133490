import { describe, expect, it } from "vitest";
import { inBatches } from "@/cli/batch";

async function sizes<T>(items: Iterable<T> | AsyncIterable<T>, size: number) {
  const result: number[] = [];
  for await (const batch of inBatches(items, size)) result.push(batch.length);
  return result;
}

async function* countTo(n: number) {
  for (let i = 0; i < n; i++) yield i;
}

describe("inBatches", () => {
  it("splits 2,500 points into 1,000 + 1,000 + 500", async () => {
    expect(await sizes(countTo(2500), 1000)).toEqual([1000, 1000, 500]);
  });

  it("keeps order and handles exact multiples and empty input", async () => {
    const batches = [];
    for await (const batch of inBatches([1, 2, 3, 4], 2)) batches.push(batch);
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await sizes([], 1000)).toEqual([]);
    expect(await sizes(countTo(1000), 1000)).toEqual([1000]);
    expect(await sizes(countTo(1001), 1000)).toEqual([1000, 1]);
  });

  it("rejects a batch size below one", async () => {
    await expect(sizes([1], 0)).rejects.toThrow(RangeError);
  });
});
