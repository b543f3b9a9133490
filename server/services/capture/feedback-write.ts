import { predictedOutcome, type OutcomeSpec } from "@/contracts/outcomes";
import { Prisma } from "@/server/db/generated/client";
import type { CheckedRow, Truth } from "@/server/services/capture/feedback-rows";
import type { ReadContext } from "@/server/services/context";

const capturedSelect = {
  id: true,
  predictedAt: true,
  variantName: true,
  versionId: true,
  correlationId: true,
  outputs: true,
  score: true,
  captureProbability: true,
} as const;

export type Captured = Prisma.CapturedPredictionGetPayload<{ select: typeof capturedSelect }>;

export type CapturedLookup = { byId: Map<string, Captured[]>; byCorrelation: Map<string, Captured[]> };

function groupBy(rows: Captured[], key: (row: Captured) => string | null): Map<string, Captured[]> {
  const groups = new Map<string, Captured[]>();
  for (const row of rows) {
    const value = key(row);
    if (value === null) continue;
    groups.set(value, [...(groups.get(value) ?? []), row]);
  }
  return groups;
}

/** The endpoint's captured predictions the rows name, in two queries (by id, by correlation id): never another's. */
export async function lookUpCaptured(
  ctx: ReadContext,
  endpointId: string,
  rows: readonly CheckedRow[],
): Promise<CapturedLookup> {
  const ids = [...new Set(rows.filter((r) => r.key.kind === "predictionId").map((r) => r.key.id))];
  const correlationIds = [...new Set(rows.filter((r) => r.key.kind === "correlationId").map((r) => r.key.id))];
  const [byId, byCorrelation] = await Promise.all([
    ids.length === 0
      ? []
      : ctx.db.capturedPrediction.findMany({
          where: { endpointId, id: { in: ids }, mirrorOf: null },
          select: capturedSelect,
        }),
    correlationIds.length === 0
      ? []
      : ctx.db.capturedPrediction.findMany({
          where: { endpointId, correlationId: { in: correlationIds }, mirrorOf: null },
          select: capturedSelect,
        }),
  ]);
  return { byId: groupBy(byId, (row) => row.id), byCorrelation: groupBy(byCorrelation, (row) => row.correlationId) };
}

/** The captured rows a feedback row's key names (none: unknown; several: ambiguous). */
export function candidatesOf(lookup: CapturedLookup, row: CheckedRow): Captured[] {
  const map = row.key.kind === "predictionId" ? lookup.byId : lookup.byCorrelation;
  return map.get(row.key.id) ?? [];
}

/** One outcome to store: the prediction it is for, what was true, and when that first became known. */
export type OutcomeWrite = { prediction: Captured; truth: Truth; knownAt: Date };

function labelOutput(outputs: Prisma.JsonValue): string | null {
  if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs)) return null;
  const label = outputs.label;
  return typeof label === "string" ? label : null;
}

function outcomeRecord(endpointId: string, spec: OutcomeSpec, write: OutcomeWrite) {
  const { prediction } = write;
  const predicted = predictedOutcome(spec, prediction.score, labelOutput(prediction.outputs));
  return {
    predictionId: prediction.id,
    endpointId,
    variantName: prediction.variantName,
    versionId: prediction.versionId,
    predictedAt: prediction.predictedAt.toISOString(),
    predictedLabel: predicted.label,
    predictedValue: predicted.value,
    score: predicted.score,
    label: write.truth.label,
    value: write.truth.value,
    inclusionProbability: prediction.captureProbability,
    knownAt: write.knownAt.toISOString(),
  };
}

export type UpsertResult = { created: Set<string>; updated: Set<string> };

/**
 * Writes every outcome in one statement. A prediction without feedback gets a row; one with feedback is changed only
 * when this outcome is different AND became known later (an older or identical report changes nothing), so a call
 * repeated, or sent twice at once, writes each outcome once: the second statement waits for the first's row lock and
 * then finds nothing to change. Timestamps travel as UTC ISO text; PostgreSQL's `timestamp` drops the "Z".
 */
export async function upsertOutcomes(
  tx: Prisma.TransactionClient,
  input: { endpointId: string; spec: OutcomeSpec; recordedById: string; writes: OutcomeWrite[] },
): Promise<UpsertResult> {
  if (input.writes.length === 0) return { created: new Set(), updated: new Set() };
  const records = JSON.stringify(input.writes.map((write) => outcomeRecord(input.endpointId, input.spec, write)));
  const rows = await tx.$queryRaw<{ predictionId: string; inserted: boolean }[]>(Prisma.sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${records}::jsonb) AS r(
        "predictionId" uuid, "endpointId" text, "variantName" text, "versionId" text, "predictedAt" timestamp(3),
        "predictedLabel" text, "predictedValue" float8, "score" float8, "label" text, "value" float8,
        "inclusionProbability" float8, "knownAt" timestamp(3))
    )
    INSERT INTO "PredictionOutcome" AS o (
      "predictionId", "source", "endpointId", "variantName", "versionId", "predictedAt", "predictedLabel",
      "predictedValue", "score", "label", "value", "inclusionProbability", "knownAt", "recordedById", "updatedAt")
    SELECT "predictionId", 'FEEDBACK'::"OutcomeSource", "endpointId", "variantName", "versionId", "predictedAt",
      "predictedLabel", "predictedValue", "score", "label", "value", "inclusionProbability", "knownAt",
      ${input.recordedById}, (clock_timestamp() AT TIME ZONE 'UTC')
    FROM input
    ON CONFLICT ("predictionId", "source") DO UPDATE SET
      "label" = EXCLUDED."label", "value" = EXCLUDED."value", "knownAt" = EXCLUDED."knownAt",
      "recordedById" = EXCLUDED."recordedById", "updatedAt" = EXCLUDED."updatedAt"
    WHERE EXCLUDED."knownAt" > o."knownAt"
      AND (o."label" IS DISTINCT FROM EXCLUDED."label" OR o."value" IS DISTINCT FROM EXCLUDED."value")
    RETURNING o."predictionId"::text AS "predictionId", (o.xmax = 0) AS inserted`);
  return {
    created: new Set(rows.filter((row) => row.inserted).map((row) => row.predictionId)),
    updated: new Set(rows.filter((row) => !row.inserted).map((row) => row.predictionId)),
  };
}

/** The feedback already stored for these predictions (to say why a row changed nothing). */
export async function storedFeedback(tx: Prisma.TransactionClient, predictionIds: string[]) {
  const rows = await tx.predictionOutcome.findMany({
    where: { source: "FEEDBACK", predictionId: { in: predictionIds } },
    select: { predictionId: true, label: true, value: true, knownAt: true },
  });
  return new Map(rows.map((row) => [row.predictionId, row]));
}
