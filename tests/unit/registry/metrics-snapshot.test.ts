import { describe, expect, it } from "vitest";
import {
  pickKeyMetrics,
  readMetricsSnapshot,
  snapshotFromSeries,
  type MetricsSnapshot,
} from "@/server/services/registry/metrics-snapshot";

describe("metrics snapshot", () => {
  it("keeps each series' latest value and drops values JSON cannot hold", () => {
    expect(
      snapshotFromSeries([
        { key: "loss", lastValue: 0.25 },
        { key: "auc", lastValue: 0.91 },
        { key: "diverged", lastValue: Number.NaN },
        { key: "overflow", lastValue: Number.POSITIVE_INFINITY },
      ]),
    ).toEqual({ auc: 0.91, loss: 0.25 });
  });

  it("reads back only finite numbers from stored JSON", () => {
    expect(readMetricsSnapshot({ auc: 0.9, note: "text", nested: { a: 1 }, empty: null })).toEqual({ auc: 0.9 });
    expect(readMetricsSnapshot([1, 2])).toEqual({});
    expect(readMetricsSnapshot(null)).toEqual({});
  });
});

describe("key metrics", () => {
  it("prefers metrics most versions report, then sorts by name, up to the limit", () => {
    const snapshots: MetricsSnapshot[] = [{ auc: 1, loss: 1, f1: 1 }, { auc: 1, loss: 1 }, { auc: 1, rare: 1 }, {}];
    expect(pickKeyMetrics(snapshots)).toEqual(["auc", "loss", "f1", "rare"]);
    expect(pickKeyMetrics(snapshots, 2)).toEqual(["auc", "loss"]);
    expect(pickKeyMetrics([])).toEqual([]);
  });
});
