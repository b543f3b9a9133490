import { firstNumericOutput, type CaptureRecord } from "@/contracts/prediction-capture";
import type { Db } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import type { CaptureIdResolver } from "@/server/services/capture/id-resolver";

/** Prisma stores DateTime as UTC in timestamp(3): the ISO time without its zone, after converting to UTC. */
const utc = (iso: string) => new Date(iso).toISOString().replace("Z", "");

/**
 * Inserts the records in one multi-row statement (INSERT … SELECT FROM unnest(…)); a row already there (same id and
 * predictedAt: a redelivered entry) is skipped by ON CONFLICT DO NOTHING. The day partitions must exist. Answers
 * how many rows were new.
 */
export async function insertCaptured(
  db: Pick<Db, "$executeRaw">,
  records: readonly CaptureRecord[],
  ids: CaptureIdResolver,
): Promise<number> {
  if (records.length === 0) return 0;
  const col = <T>(pick: (r: CaptureRecord) => T) => records.map(pick);
  return db.$executeRaw(Prisma.sql`
    INSERT INTO "CapturedPrediction" ("id", "predictedAt", "requestId", "rowIndex", "endpointId", "endpointName",
      "variantName", "modelName", "modelVersion", "versionId", "correlationId", "inputs", "outputs", "score",
      "latencyMs", "captureProbability", "source")
    SELECT t.id, t.at::timestamp(3), t.rid, t.ri, t.eid, t.en, t.vn, t.mn, t.mv, t.vid, t.cid, t.inp::jsonb,
      t.outp::jsonb, t.score, t.lat, t.prob, t.src::"CaptureSource"
    FROM unnest(
      ${col((r) => r.id)}::uuid[], ${col((r) => utc(r.predictedAt))}::text[], ${col((r) => r.requestId)}::uuid[],
      ${col((r) => r.rowIndex)}::int[], ${col((r) => ids.endpointId(r.endpoint))}::text[],
      ${col((r) => r.endpoint)}::text[], ${col((r) => r.variant)}::text[], ${col((r) => r.modelName ?? null)}::text[],
      ${col((r) => r.modelVersion ?? null)}::int[], ${col((r) => ids.versionId(r.modelName, r.modelVersion))}::text[],
      ${col((r) => r.correlationId ?? null)}::text[], ${col((r) => JSON.stringify(r.inputs))}::text[],
      ${col((r) => JSON.stringify(r.outputs))}::text[], ${col((r) => firstNumericOutput(r.outputs) ?? null)}::float8[],
      ${col((r) => r.latencyMs)}::float8[], ${col((r) => r.captureProbability)}::float8[],
      ${col((r) => r.source)}::text[]
    ) AS t(id, at, rid, ri, eid, en, vn, mn, mv, vid, cid, inp, outp, score, lat, prob, src)
    ON CONFLICT DO NOTHING`);
}
