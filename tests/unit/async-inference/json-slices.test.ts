import { describe, expect, it } from "vitest";
import { JSON_SLICE_ROWS, jsonSlices, SLICE_BYTES } from "@/server/services/async-inference/score-payload";

const slicesOf = (rows: Record<string, unknown>[]) => [...jsonSlices(rows)];

describe("JSON slices of an async payload", () => {
  it("cut narrow rows by count: every row once, in order", () => {
    const rows = Array.from({ length: 2 * JSON_SLICE_ROWS + 7 }, (_, i) => ({ i }));
    const slices = slicesOf(rows);
    expect(slices.map((s) => [s.start, s.slice.length])).toEqual([
      [0, JSON_SLICE_ROWS],
      [JSON_SLICE_ROWS, JSON_SLICE_ROWS],
      [2 * JSON_SLICE_ROWS, 7],
    ]);
    expect(slices.flatMap((s) => s.slice)).toEqual(rows);
  });

  it("cut wide rows by bytes, so no request passes the runtime's body limit; a row larger alone goes alone", () => {
    const wide = "x".repeat(4_000);
    const rows = Array.from({ length: 5_000 }, (_, i) => ({ i, wide }));
    const slices = slicesOf(rows);
    expect(slices.length).toBeGreaterThan(2);
    for (const { slice } of slices)
      expect(JSON.stringify({ rows: slice }).length).toBeLessThanOrEqual(SLICE_BYTES + 100);
    expect(slices.flatMap((s) => s.slice)).toEqual(rows);

    const huge = [{ a: "y".repeat(SLICE_BYTES + 1) }, { a: 1 }];
    expect(slicesOf(huge).map((s) => s.slice.length)).toEqual([1, 1]);
  });
});
