import { firstNumericOutput, type CaptureRecord } from "@/contracts/prediction-capture";
import type { Db } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import type { CaptureIdResolver } from "@/server/services/capture/id-resolver";

/** Prisma stores DateTime as UTC in timestamp(3): the ISO time without its zone, after converting to UTC. */
const utc = (iso: string) => new Date(iso).toISOString().replace("Z", "");

/**
 * Inserts the records in one multi-row statement (INSERT … SELECT FROM json_to_recordset(…): the batch travels as one
 * JSON parameter, which costs the driver far less than an array per column); a row already there (same id and
 * predictedAt: a redelivered entry) is skipped by ON CONFLICT DO NOTHING. The day partitions must exist. Answers
 * how many rows were new.
 */
export async function insertCaptured(
  db: Pick<Db, "$executeRaw">,
  records: readonly CaptureRecord[],
  ids: CaptureIdResolver,
): Promise<number> {
  if (records.length === 0) return 0;
  const rows = JSON.stringify(
    records.map((r) => ({
      id: r.id,
      at: utc(r.predictedAt),
      rid: r.requestId,
      ri: r.rowIndex,
      eid: ids.endpointId(r.endpoint),
      en: r.endpoint,
      vn: r.variant,
      mn: r.modelName ?? null,
      mv: r.modelVersion ?? null,
      vid: ids.versionId(r.modelName, r.modelVersion),
      cid: r.correlationId ?? null,
      inp: r.inputs,
      outp: r.outputs,
      score: firstNumericOutput(r.outputs) ?? null,
      lat: r.latencyMs,
      prob: r.captureProbability,
      src: r.source,
      mo: r.mirrorOf ?? null,
    })),
  );
  return db.$executeRaw(Prisma.sql`
    INSERT INTO "CapturedPrediction" ("id", "predictedAt", "requestId", "rowIndex", "endpointId", "endpointName",
      "variantName", "modelName", "modelVersion", "versionId", "correlationId", "inputs", "outputs", "score",
      "latencyMs", "captureProbability", "source", "mirrorOf")
    SELECT t.id, t.at::timestamp(3), t.rid, t.ri, t.eid, t.en, t.vn, t.mn, t.mv, t.vid, t.cid, t.inp, t.outp,
      t.score, t.lat, t.prob, t.src::"CaptureSource", t.mo
    FROM json_to_recordset(${rows}::json) AS t(id uuid, at text, rid uuid, ri int, eid text, en text, vn text, mn text,
      mv int, vid text, cid text, inp jsonb, outp jsonb, score float8, lat float8, prob float8, src text, mo uuid)
    ON CONFLICT DO NOTHING`);
}
