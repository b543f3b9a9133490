import { randomBytes, randomUUID } from "node:crypto";
import { db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";

/**
 * Seeds the prediction log directly (as the capture loader would): creates the day partition a time falls in, then
 * inserts CapturedPrediction rows in one statement.
 */
export async function ensureCapturePartition(at: Date): Promise<void> {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const next = new Date(day.getTime() + 24 * 3600 * 1000);
  const suffix = day.toISOString().slice(0, 10).replaceAll("-", "");
  await db().$executeRawUnsafe(
    `CREATE TABLE IF NOT EXISTS "CapturedPrediction_p${suffix}" PARTITION OF "CapturedPrediction" ` +
      `FOR VALUES FROM ('${day.toISOString().slice(0, 10)}') TO ('${next.toISOString().slice(0, 10)}')`,
  );
}

export type CapturedSeed = Partial<Prisma.CapturedPredictionCreateManyInput> & {
  endpointId: string;
  endpointName: string;
};

/** Inserts captured predictions (defaults: a fresh id, variant "blue", 2026-12-02 10:00 UTC, score 0.8); returns them. */
export async function givenCapturedPredictions(seeds: CapturedSeed[]) {
  const rows = seeds.map((seed, rowIndex) => {
    const id = seed.id ?? randomUUID();
    return {
      id,
      requestId: id,
      rowIndex,
      predictedAt: new Date("2026-12-02T10:00:00.000Z"),
      variantName: "blue",
      inputs: { amount: 1 },
      outputs: { probability: seed.score ?? 0.8 },
      score: 0.8,
      latencyMs: 1,
      captureProbability: 1,
      ...seed,
    } satisfies Prisma.CapturedPredictionCreateManyInput;
  });
  const days = new Set(rows.map((row) => new Date(row.predictedAt).toISOString().slice(0, 10)));
  for (const day of days) await ensureCapturePartition(new Date(`${day}T00:00:00Z`));
  for (let start = 0; start < rows.length; start += 5000) {
    await db().capturedPrediction.createMany({ data: rows.slice(start, start + 5000) });
  }
  return rows;
}

/** A correlation id no other test uses. */
export const correlationId = (prefix = "txn") => `${prefix}-${randomBytes(6).toString("hex")}`;
