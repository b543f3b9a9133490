import { createHash } from "node:crypto";
import type { SamplingSettings } from "@/contracts/labels";
import { db } from "@/server/db/client";
import { createLabelQueue } from "@/server/services/labels/queues";
import type { AuditedContext } from "@/server/services/context";
import { unique } from "@/tests/integration/registry/fixtures";

/** The day every test prediction is made on (its partition is created here). */
export const DAY = "2026-12-02";

export async function ensurePartition() {
  await db().$executeRawUnsafe(
    `CREATE TABLE IF NOT EXISTS "CapturedPrediction_p20261202" PARTITION OF "CapturedPrediction" FOR VALUES FROM ('2026-12-02') TO ('2026-12-03')`,
  );
}

/** A seeded generator (mulberry32) so the sampled rows and scores are the same on every run. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic UUID-shaped id from a seed label. */
export function uuidOf(label: string): string {
  const h = createHash("sha256").update(label).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A binary fraud classifier of the user's team with one production endpoint. */
export async function givenClassifier(ctx: AuditedContext, teamId: string) {
  const model = await db().registeredModel.create({
    data: {
      name: unique("labels-fraud"),
      teamId,
      taskType: "CLASSIFICATION",
      createdById: ctx.actor.userId,
      outcomeClasses: ["legit", "fraud"],
      decisionThreshold: 0.5,
    },
  });
  const endpoint = await db().endpoint.create({
    data: { name: unique("labels-ep"), modelId: model.id, environment: "PRODUCTION", target: "LOCAL" },
  });
  return { model, endpoint };
}

export type PredictionSpec = {
  id: string;
  /** The model's score; null for an output without a finite number. */
  score: number | null;
  at: Date;
  variant?: string;
  correlationId?: string;
  captureProbability?: number;
  versionId?: string;
  /** Defaults to { amount: round(score × 1000) }. */
  inputs?: Record<string, string | number | null>;
  /** A shadow variant's prediction: the live prediction it mirrored. */
  mirrorOf?: string;
};

export async function insertPredictions(endpoint: { id: string; name: string }, rows: readonly PredictionSpec[]) {
  await ensurePartition();
  await db().capturedPrediction.createMany({
    data: rows.map((r) => ({
      id: r.id,
      requestId: r.id,
      rowIndex: 0,
      predictedAt: r.at,
      endpointId: endpoint.id,
      endpointName: endpoint.name,
      variantName: r.variant ?? "blue",
      correlationId: r.correlationId ?? null,
      versionId: r.versionId ?? null,
      inputs: r.inputs ?? { amount: Math.round((r.score ?? 0) * 1000) },
      outputs: { probability: r.score },
      score: r.score,
      latencyMs: 1,
      captureProbability: r.captureProbability ?? 1,
      mirrorOf: r.mirrorOf ?? null,
    })),
  });
}

/** `count` predictions with seeded uniform scores spread over 01:00–02:00 of DAY. */
export function seededPredictions(
  seed: number,
  count: number,
  label: string,
): Array<PredictionSpec & { score: number }> {
  const random = seeded(seed);
  const start = Date.parse(`${DAY}T01:00:00Z`);
  return Array.from({ length: count }, (_, i) => ({
    id: uuidOf(`${label}-${seed}-${i}`),
    score: random(),
    at: new Date(start + Math.floor((i * 3_600_000) / count)),
    captureProbability: i % 2 === 0 ? 1 : 0.5,
  }));
}

/**
 * A queue created, as far as the sampler can tell, at noon of DAY: its first run looks back a day from its creation,
 * so the test predictions (01:00–02:00 of DAY) are in its window whatever today's date is.
 */
export async function givenQueue(
  ctx: AuditedContext,
  modelName: string,
  options: { overlap?: number; dailyBudget?: number; sampling?: Partial<SamplingSettings> } = {},
) {
  const queue = await createLabelQueue(ctx, {
    modelName,
    name: unique("queue"),
    overlap: options.overlap ?? 1,
    dailyBudget: options.dailyBudget ?? 100_000,
    sampling: {
      rates: { AUDIT: 0, UNCERTAINTY: 0, DISAGREEMENT: 0, DRIFT: 0, FLAGGED: 0 },
      uncertaintyBand: 0.1,
      disagreementWindowSeconds: 60,
      driftWorstBins: 2,
      driftMinPsi: 0.1,
      ...options.sampling,
    },
  });
  return { ...queue, createdAt: await createdOnDay(queue.id) };
}

/** Moves a queue's creation to noon of DAY, so its first sampling run looks back over DAY whatever today's date is. */
export async function createdOnDay(queueId: string): Promise<Date> {
  const createdAt = new Date(`${DAY}T12:00:00Z`);
  await db().labelQueue.update({ where: { id: queueId }, data: { createdAt } });
  return createdAt;
}

/** A clock at 23:00 of DAY: every test prediction is settled and most of the day's budget window has passed. */
export const lateClock = () => new Date(`${DAY}T23:00:00Z`);
