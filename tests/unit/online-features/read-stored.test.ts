import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "@/runtime/features/circuit-breaker";
import { readStored, type FeatureStores } from "@/runtime/features/feature-lookup";
import type { FeatureStore, StoredValues } from "@/runtime/features/feature-stores";

function store(entries: Record<string, StoredValues> | "down"): FeatureStore & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    read: async (_group, ids) => {
      calls.push([...ids]);
      if (entries === "down") throw new Error("connection refused");
      return new Map(ids.filter((id) => id in entries).map((id) => [id, entries[id]!]));
    },
    close: async () => {},
  };
}

const breaker = () => new CircuitBreaker({ failureThreshold: 2, openMs: 60_000 });

describe("reading stored features (hot, then cold)", () => {
  it("reads only what Redis lacks from PostgreSQL", async () => {
    const hot = store({ a: { x: 1 } });
    const cold = store({ a: { x: 9 }, b: { x: 2 } });
    const read = await readStored({ hot, cold, breaker: breaker() }, "g", ["a", "b"]);
    expect(Object.fromEntries(read.found)).toEqual({ a: { x: 1 }, b: { x: 2 } });
    expect([...read.fromHot]).toEqual(["a"]);
    expect(cold.calls).toEqual([["b"]]);
    expect(read.unavailable).toBe(false);
  });

  it("reads everything from PostgreSQL while Redis fails, and skips Redis once its breaker opens", async () => {
    const hot = store("down");
    const cold = store({ a: { x: 9 } });
    const stores: FeatureStores = { hot, cold, breaker: breaker() };
    for (let i = 0; i < 3; i++) expect((await readStored(stores, "g", ["a"])).found.get("a")).toEqual({ x: 9 });
    expect(hot.calls).toHaveLength(2);
    expect(stores.breaker.state).toBe("open");
  });

  it("is unavailable when the cold path fails, but an entity neither store holds is simply not found", async () => {
    const down = await readStored({ hot: store("down"), cold: store("down"), breaker: breaker() }, "g", ["a"]);
    expect(down.unavailable).toBe(true);
    const unknown = await readStored({ hot: store({}), cold: store({}), breaker: breaker() }, "g", ["zz"]);
    expect(unknown).toMatchObject({ unavailable: false });
    expect(unknown.found.size).toBe(0);
    // With Redis only: an answer lacking the entity is the truth; Redis failing leaves nothing to read.
    expect((await readStored({ hot: store({}), breaker: breaker() }, "g", ["zz"])).unavailable).toBe(false);
    expect((await readStored({ hot: store("down"), breaker: breaker() }, "g", ["zz"])).unavailable).toBe(true);
  });
});
