import { describe, expect, it } from "vitest";
import { ArenaPool, ByteArena } from "@/runtime/capture/byte-arena";
import { CaptureGroups, captureRowJson, PendingBatch } from "@/runtime/capture/capture-batch";
import type { CapturedRequest } from "@/runtime/capture/capture-buffer";

const text = (arena: ByteArena) => arena.bytes().toString("utf8");

describe("byte arena", () => {
  it("writes integers and thousandths as JSON numbers, digit by digit", () => {
    for (const value of [0, 7, 10, 99, 100, 1_764_763_200_000, Number.MAX_SAFE_INTEGER]) {
      const arena = new ByteArena(4);
      arena.writeInteger(value);
      expect(text(arena)).toBe(String(value));
    }
    for (const [value, written] of [
      [0, "0.000"],
      [1, "0.001"],
      [1000, "1.000"],
      [1234, "1.234"],
      [98_765_432, "98765.432"],
    ] as const) {
      const arena = new ByteArena(2);
      arena.writeThousandths(value);
      expect(text(arena)).toBe(written);
      expect(JSON.parse(written)).toBe(value / 1000);
    }
  });

  it("keeps what was written while it grows, and writes text as UTF-8", () => {
    const arena = new ByteArena(8);
    const parts = ["[", "ünïcödé 😀", ",", "x".repeat(100), "]"];
    arena.writeAscii(parts[0]!);
    arena.writeText(parts[1]!);
    arena.writeAscii(parts[2]!);
    arena.writeBytes(Buffer.from(parts[3]!));
    arena.writeAscii(parts[4]!);
    expect(text(arena)).toBe(parts.join(""));
    expect(arena.length).toBe(Buffer.byteLength(parts.join("")));
    arena.truncate(1);
    arena.writeAscii("]");
    expect(text(arena)).toBe("[]");
  });

  it("is reused from the pool emptied, and the pool keeps only so many and none too large", () => {
    const pool = new ArenaPool(1);
    const first = pool.get();
    first.writeAscii("old");
    pool.release(first);
    const again = pool.get();
    expect(again).toBe(first);
    expect(again.length).toBe(0);
    pool.release(again);
    pool.release(new ByteArena());
    expect(pool.get()).toBe(first);
    const huge = new ByteArena();
    huge.writeBytes(Buffer.alloc(5 * 1024 * 1024));
    pool.release(huge);
    expect(pool.get()).not.toBe(huge);
  });
});

function request(id: string, amount: number): CapturedRequest {
  return {
    endpoint: "fraud",
    variant: "v1",
    inputs: [{ name: "amount" }],
    rows: [{ amount }],
    predictions: [{ probability: 0.5 }],
    predictionIds: [id],
    latencyMs: 1.23456,
    captureProbability: 1,
    predictedAtMs: 1_764_763_200_000,
  };
}

describe("pending batch", () => {
  const groups = new CaptureGroups();
  const ID = "00000000-0000-4000-8000-000000000001";

  it("refuses an entry that would take it past its byte bound and keeps nothing of it; a first entry always fits", () => {
    const batch = new PendingBatch(200, new ArenaPool());
    const big = request(ID, 1);
    const texts = {
      request: Buffer.from(JSON.stringify({ row: { amount: "x".repeat(300) } })),
      response: Buffer.from("{}"),
      capturedFrom: 1,
    };
    expect(batch.addRequest(groups.of(big), big, texts)).toBe(true);
    const written = batch.toBytes().toString("utf8");
    const other = { ...request(ID, 2), endpoint: "other" };
    expect(batch.addRow(groups.of(other), captureRowJson(other, 0))).toBe(false);
    expect(batch.toBytes().toString("utf8")).toBe(written);
    expect(batch.rows).toBe(1);
    expect(JSON.parse(written).groups).toHaveLength(1);
  });

  it("writes the latency to the microsecond and the time as an integer", () => {
    const batch = new PendingBatch(1_000_000, new ArenaPool());
    const req = request(ID, 1);
    batch.addRequest(groups.of(req), req, {
      request: Buffer.from('{"row":{"amount":1}}'),
      response: Buffer.from("{}"),
      capturedFrom: 1,
    });
    const [group] = JSON.parse(batch.toBytes().toString("utf8")).groups;
    expect(group.requests[0].slice(0, 2)).toEqual([1.235, 1_764_763_200_000]);
  });

  it("gives its arenas back to the pool when released", () => {
    const pool = new ArenaPool();
    const batch = new PendingBatch(1_000_000, pool);
    const req = request(ID, 1);
    batch.addRow(groups.of(req), captureRowJson(req, 0));
    batch.toBytes();
    batch.release();
    const reused = [pool.get(), pool.get()];
    expect(reused.every((arena) => arena.capacity > 0 && arena.length === 0)).toBe(true);
  });
});
