import { describe, expect, it } from "vitest";
import { withAnswerCache } from "@/server/integrations/prometheus/answer-cache";
import type { InstantSample, PrometheusSource, RangeSeries } from "@/server/integrations/prometheus/client";

/** A Prometheus that counts its queries and answers each with a fresh sample numbered by that count. */
function countingSource(options: { failFirst?: boolean } = {}) {
  const asked: string[] = [];
  const pending: Array<() => void> = [];
  let held = false;
  const answer = async (promql: string): Promise<InstantSample[]> => {
    asked.push(promql);
    if (held) await new Promise<void>((resolve) => pending.push(resolve));
    if (options.failFirst && asked.length === 1) throw new Error("Prometheus is down");
    return [{ metric: { endpoint: "fraud" }, value: asked.length, timestamp: 1 }];
  };
  const source: PrometheusSource = {
    query: (promql) => answer(promql),
    queryRange: async (promql): Promise<RangeSeries[]> => {
      const [sample] = await answer(promql);
      return [{ metric: sample!.metric, values: [{ timestamp: 1, value: sample!.value }] }];
    },
  };
  return {
    source,
    asked,
    hold: () => (held = true),
    release: () => pending.splice(0).forEach((resolve) => resolve()),
  };
}

const at = new Date("2026-12-03T12:00:00Z");

describe("withAnswerCache", () => {
  it("asks Prometheus once for the same query at the same time within the TTL, and again after it", async () => {
    let now = 0;
    const prometheus = countingSource();
    const cached = withAnswerCache(prometheus.source, { ttlMs: 5_000, maxEntries: 10, now: () => now });
    expect((await cached.query("up", at))[0]!.value).toBe(1);
    now = 4_999;
    expect((await cached.query("up", at))[0]!.value).toBe(1);
    now = 5_000;
    expect((await cached.query("up", at))[0]!.value).toBe(2);
    expect(prometheus.asked).toHaveLength(2);
  });

  it("keeps answers apart by query, evaluation time, range and step", async () => {
    const prometheus = countingSource();
    const cached = withAnswerCache(prometheus.source, { ttlMs: 5_000, maxEntries: 10, now: () => 0 });
    const later = new Date(at.getTime() + 1_000);
    await cached.query("up", at);
    await cached.query("up", later);
    await cached.query("down", at);
    await cached.queryRange("up", { start: at, end: later, stepSeconds: 15 });
    await cached.queryRange("up", { start: at, end: later, stepSeconds: 30 });
    await cached.queryRange("up", { start: at, end: later, stepSeconds: 15 });
    expect(prometheus.asked).toHaveLength(5);
  });

  it("never keeps a query evaluated at 'now': it has no fixed answer", async () => {
    const prometheus = countingSource();
    const cached = withAnswerCache(prometheus.source, { ttlMs: 5_000, maxEntries: 10, now: () => 0 });
    await cached.query("up");
    expect((await cached.query("up"))[0]!.value).toBe(2);
  });

  it("lets readers asking at once share one question", async () => {
    const prometheus = countingSource();
    const cached = withAnswerCache(prometheus.source, { ttlMs: 5_000, maxEntries: 10, now: () => 0 });
    prometheus.hold();
    const answers = Promise.all(Array.from({ length: 20 }, () => cached.query("up", at)));
    await Promise.resolve();
    prometheus.release();
    expect((await answers).map((a) => a[0]!.value)).toEqual(Array.from({ length: 20 }, () => 1));
    expect(prometheus.asked).toHaveLength(1);
  });

  it("does not keep a failure: the next reader asks again", async () => {
    const prometheus = countingSource({ failFirst: true });
    const cached = withAnswerCache(prometheus.source, { ttlMs: 5_000, maxEntries: 10, now: () => 0 });
    await expect(cached.query("up", at)).rejects.toThrow("Prometheus is down");
    expect((await cached.query("up", at))[0]!.value).toBe(2);
  });

  it("gives each reader a copy, so one changing its answer cannot change another's", async () => {
    const cached = withAnswerCache(countingSource().source, { ttlMs: 5_000, maxEntries: 10, now: () => 0 });
    const first = await cached.query("up", at);
    first[0]!.value = 99;
    first[0]!.metric.endpoint = "changed";
    expect(await cached.query("up", at)).toEqual([{ metric: { endpoint: "fraud" }, value: 1, timestamp: 1 }]);
  });

  it("keeps at most maxEntries answers, dropping the oldest", async () => {
    const prometheus = countingSource();
    const cached = withAnswerCache(prometheus.source, { ttlMs: 60_000, maxEntries: 2, now: () => 0 });
    await cached.query("a", at);
    await cached.query("b", at);
    await cached.query("c", at);
    await cached.query("c", at);
    await cached.query("b", at);
    expect(prometheus.asked).toEqual(["a", "b", "c"]);
    await cached.query("a", at);
    expect(prometheus.asked).toEqual(["a", "b", "c", "a"]);
  });
});
