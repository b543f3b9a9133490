import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { CaptureRecord } from "@/contracts/prediction-capture";
import { db } from "@/server/db/client";
import { CaptureLoader, type CaptureLoaderObserver } from "@/server/services/capture/loader";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A stream key of this test's own, removed (with its dead-letter stream) by `cleanup`. */
export function testStream() {
  const key = `test:capture:${randomBytes(6).toString("hex")}`;
  const redis = new Redis(REDIS_URL);
  return {
    key,
    redis,
    cleanup: async () => {
      await redis.del(key, `${key}:dead`);
      redis.disconnect();
    },
  };
}

export function captureRecord(overrides: Partial<CaptureRecord> = {}): CaptureRecord {
  const id = randomUUID();
  return {
    id,
    requestId: id,
    rowIndex: 0,
    endpoint: "fraud-prod",
    variant: "blue",
    modelName: "fraud-gbt",
    modelVersion: 1,
    inputs: { amount: 12.5, postcode: "01001" },
    outputs: { probability: 0.73 },
    latencyMs: 2.5,
    captureProbability: 1,
    source: "RUNTIME",
    predictedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** XADDs the records in pipelined batches, as the runtime does. */
export async function appendRecords(redis: Redis, key: string, records: readonly CaptureRecord[]) {
  for (let i = 0; i < records.length; i += 2000) {
    const pipeline = redis.pipeline();
    for (const record of records.slice(i, i + 2000)) pipeline.xadd(key, "*", "record", JSON.stringify(record));
    await pipeline.exec();
  }
}

export function loaderFor(
  redis: Redis,
  key: string,
  options: {
    consumer?: string;
    batch?: number;
    claimIdleMs?: number;
    forgetIdleMs?: number;
    observer?: CaptureLoaderObserver;
  } = {},
) {
  return new CaptureLoader(
    redis,
    db(),
    {
      streamKey: key,
      group: "loaders",
      consumer: options.consumer ?? `c-${randomBytes(3).toString("hex")}`,
      batch: options.batch ?? 1000,
      // One record per entry here, so entries per read = rows per insert.
      readEntries: options.batch ?? 1000,
      claimIdleMs: options.claimIdleMs ?? 60_000,
      forgetIdleMs: options.forgetIdleMs,
    },
    options.observer,
  );
}

/** Loads until the stream has nothing new for this loader. */
export async function drain(loader: CaptureLoader) {
  await loader.ensureGroup();
  let handled = 0;
  for (let n = await loader.loadOnce(); ; n = await loader.loadOnce()) {
    handled += n;
    if (n === 0 && (await loader.loadOnce()) === 0) return handled;
  }
}

export async function pendingCount(redis: Redis, key: string) {
  const summary = (await redis.xpending(key, "loaders")) as [number, ...unknown[]];
  return Number(summary[0]);
}

export async function capturedCount(where: { endpointName?: string } = {}) {
  return db().capturedPrediction.count({ where });
}
