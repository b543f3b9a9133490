import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { givenUser } from "@/tests/integration/fixtures";
import { listDayPartitions } from "@/server/services/capture/partitions";
import {
  appendRecords,
  capturedCount,
  captureRecord,
  drain,
  loaderFor,
  pendingCount,
  testStream,
} from "@/tests/integration/capture/capture-fixtures";

const DAY_MS = 86_400_000;
const streams: Array<ReturnType<typeof testStream>> = [];
function stream() {
  const s = testStream();
  streams.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.cleanup()));
});

describe("capture loader", () => {
  it("loads every record once into day partitions it creates, with ids resolved and the score set", async () => {
    const { team, user } = await givenUser("DATA_SCIENTIST");
    const model = await db().registeredModel.create({
      data: {
        name: `fraud-${randomUUID().slice(0, 8)}`,
        teamId: team.id,
        taskType: "CLASSIFICATION",
        createdById: user.id,
      },
    });
    const version = await db().modelVersion.create({
      data: { modelId: model.id, version: 4, format: "ONNX", createdById: user.id },
    });
    const endpoint = await db().endpoint.create({
      data: { name: `ep-${randomUUID().slice(0, 8)}`, modelId: model.id, environment: "PRODUCTION", target: "LOCAL" },
    });
    const { key, redis } = stream();
    const now = Date.now();
    const records = Array.from({ length: 3000 }, (_, i) =>
      captureRecord({
        endpoint: endpoint.name,
        modelName: model.name,
        modelVersion: 4,
        predictedAt: new Date(now - (i % 3) * DAY_MS).toISOString(),
        correlationId: `tx-${i}`,
        outputs: { probability: i / 3000 },
      }),
    );
    await appendRecords(redis, key, records);
    const loaded: number[] = [];
    expect(await drain(loaderFor(redis, key, { observer: { loaded: (n) => loaded.push(n) } }))).toBe(3000);
    expect(loaded.reduce((a, b) => a + b, 0)).toBe(3000);
    expect(await capturedCount({ endpointName: endpoint.name })).toBe(3000);
    expect(await pendingCount(redis, key)).toBe(0);
    // Loaded entries are deleted, not left for MAXLEN: an entry may hold a megabyte of batched rows.
    expect(await redis.xlen(key)).toBe(0);

    const partitions = await listDayPartitions(db());
    for (let d = 0; d < 3; d++) {
      const day = new Date(now - d * DAY_MS).toISOString().slice(0, 10).replaceAll("-", "");
      expect(partitions).toContain(`CapturedPrediction_p${day}`);
    }
    const row = await db().capturedPrediction.findFirstOrThrow({ where: { correlationId: "tx-1500" } });
    expect(row).toMatchObject({ endpointId: endpoint.id, versionId: version.id, score: 0.5, modelVersion: 4 });
    expect(row.inputs).toEqual({ amount: 12.5, postcode: "01001" });
  });

  it("stores a shadow variant's prediction with the id of the live prediction it mirrored", async () => {
    const { key, redis } = stream();
    const live = captureRecord({ endpoint: `mirror-${key}` });
    const shadow = captureRecord({ endpoint: `mirror-${key}`, variant: "shadow-v2", mirrorOf: live.id });
    await appendRecords(redis, key, [live, shadow]);
    await drain(loaderFor(redis, key));
    const rows = await db().capturedPrediction.findMany({ where: { endpointName: `mirror-${key}` } });
    const byId = Object.fromEntries(rows.map((row) => [row.id, row.mirrorOf]));
    expect(byId).toEqual({ [live.id]: null, [shadow.id]: live.id });
  });

  it("is idempotent on redelivery: the same records again add nothing", async () => {
    const { key, redis } = stream();
    const records = Array.from({ length: 500 }, () => captureRecord({ endpoint: `redeliver-${key}` }));
    await appendRecords(redis, key, records);
    await drain(loaderFor(redis, key));
    await appendRecords(redis, key, records);
    const duplicates: number[] = [];
    await drain(loaderFor(redis, key, { observer: { duplicates: (n) => duplicates.push(n) } }));
    expect(await capturedCount({ endpointName: `redeliver-${key}` })).toBe(500);
    expect(duplicates.reduce((a, b) => a + b, 0)).toBe(500);
  });

  it("a loader that dies between its insert and XACK: another claims its entries and loads nothing twice", async () => {
    const { key, redis } = stream();
    const endpoint = `crash-${key}`;
    await appendRecords(
      redis,
      key,
      Array.from({ length: 800 }, () => captureRecord({ endpoint })),
    );
    const failing = new Proxy(redis, {
      get(target, property, receiver) {
        if (property === "multi")
          return () => {
            throw new Error("killed before XACK");
          };
        return Reflect.get(target, property, receiver);
      },
    });
    const dying = loaderFor(failing, key, { consumer: "dies", batch: 300 });
    await dying.ensureGroup();
    await expect(dying.loadOnce()).rejects.toThrow("killed before XACK");
    expect(await capturedCount({ endpointName: endpoint })).toBe(300);
    expect(await pendingCount(redis, key)).toBe(300);

    const survivor = loaderFor(redis, key, { consumer: "survives", claimIdleMs: 1000 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await survivor.claimAbandoned()).toBe(300);
    await drain(survivor);
    expect(await capturedCount({ endpointName: endpoint })).toBe(800);
    expect(await pendingCount(redis, key)).toBe(0);
  });

  it("forgets consumers of ended loaders once idle with nothing pending, never one holding entries", async () => {
    const { key, redis } = stream();
    await appendRecords(
      redis,
      key,
      Array.from({ length: 20 }, () => captureRecord({ endpoint: `forget-${key}` })),
    );
    const finished = loaderFor(redis, key, { consumer: "finished", batch: 10 });
    await finished.ensureGroup();
    await finished.loadOnce();
    const holding = loaderFor(
      new Proxy(redis, {
        get: (target, property, receiver) =>
          property === "multi"
            ? () => {
                throw new Error("ended before XACK");
              }
            : Reflect.get(target, property, receiver),
      }),
      key,
      { consumer: "holding", batch: 10 },
    );
    await expect(holding.loadOnce()).rejects.toThrow("ended before XACK");
    const self = loaderFor(redis, key, { consumer: "self", forgetIdleMs: 300 });
    expect(await self.loadOnce()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await self.forgetIdleConsumers()).toBe(1);
    const names = ((await redis.xinfo("CONSUMERS", key, "loaders")) as Array<Array<string | number>>).map((c) => c[1]);
    expect(names.sort()).toEqual(["holding", "self"]);
    expect(await pendingCount(redis, key)).toBe(10);
  });

  it("two loaders at once load every record exactly once, racing to create the same partitions", async () => {
    const { key, redis } = stream();
    const endpoint = `race-${key}`;
    const base = Date.now() - 20 * DAY_MS;
    const records = Array.from({ length: 6000 }, (_, i) =>
      captureRecord({ endpoint, predictedAt: new Date(base + (i % 6) * DAY_MS).toISOString() }),
    );
    await appendRecords(redis, key, records);
    const other = testStream();
    const [a, b] = await Promise.all([
      drain(loaderFor(redis, key, { batch: 500 })),
      drain(loaderFor(other.redis, key, { batch: 500 })),
    ]);
    other.redis.disconnect();
    expect(a + b).toBe(6000);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(await capturedCount({ endpointName: endpoint })).toBe(6000);
    expect(await pendingCount(redis, key)).toBe(0);
  });

  it("moves bad records to the dead-letter stream, counted, and loads the good ones around them", async () => {
    const { key, redis } = stream();
    const endpoint = `bad-${key}`;
    await appendRecords(redis, key, [captureRecord({ endpoint })]);
    await redis.xadd(key, "*", "record", "{not json");
    await redis.xadd(key, "*", "other", "field");
    await redis.xadd(key, "*", "record", JSON.stringify({ ...captureRecord({ endpoint }), id: "not-a-uuid" }));
    await redis.xadd(key, "*", "record", JSON.stringify(captureRecord({ endpoint, inputs: { text: "a\u0000b" } })));
    await redis.xadd(
      key,
      "*",
      "record",
      JSON.stringify(captureRecord({ endpoint, predictedAt: "1999-01-01T00:00:00Z" })),
    );
    await appendRecords(redis, key, [captureRecord({ endpoint })]);
    const dead: number[] = [];
    await drain(loaderFor(redis, key, { observer: { deadLettered: (n) => dead.push(n) } }));
    expect(await capturedCount({ endpointName: endpoint })).toBe(2);
    expect(dead.reduce((a, b) => a + b, 0)).toBe(5);
    expect(await redis.xlen(`${key}:dead`)).toBe(5);
    const [first] = await redis.xrange(`${key}:dead`, "-", "+", "COUNT", 1);
    expect(first![1]).toEqual(expect.arrayContaining(["reason", "record", "{not json"]));
    expect(await pendingCount(redis, key)).toBe(0);
  });
});
