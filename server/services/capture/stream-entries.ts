import { z } from "zod";
import { captureRecordSchema, expandCaptureBatch, type CaptureRecord } from "@/contracts/prediction-capture";

/** A stream entry as ioredis answers it: its id and its flat field/value list. */
export type StreamEntry = [id: string, fields: string[]];

export type ParsedEntries = {
  valid: Array<{ entryId: string; record: CaptureRecord }>;
  invalid: Array<{ entryId: string; reason: string; fields: string[] }>;
};

const DAY_MS = 86_400_000;
/** How far from the loader's clock a prediction's time may be: outside it, a record would create absurd partitions. */
const MAX_FUTURE_MS = DAY_MS;
const MAX_PAST_MS = 3650 * DAY_MS;
const MAX_REASON = 500;
/** CapturedPrediction's int columns are int4: a larger value would fail its whole batch. */
const MAX_INT4 = 2_147_483_647;
/** PostgreSQL text and jsonb refuse NUL characters and unpaired surrogates; one such record would fail its batch. */
const UNSTORABLE = /\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i;

function checkRecord(json: unknown, now: number): { record: CaptureRecord } | { reason: string } {
  const parsed = captureRecordSchema.safeParse(json);
  if (!parsed.success) return { reason: z.prettifyError(parsed.error).slice(0, MAX_REASON) };
  if (UNSTORABLE.test(JSON.stringify(parsed.data)))
    return { reason: "The record holds a NUL character or an unpaired surrogate, which PostgreSQL cannot store" };
  if (parsed.data.rowIndex > MAX_INT4 || (parsed.data.modelVersion ?? 0) > MAX_INT4)
    return { reason: `rowIndex and modelVersion are at most ${MAX_INT4}` };
  const at = Date.parse(parsed.data.predictedAt);
  if (at > now + MAX_FUTURE_MS || at < now - MAX_PAST_MS)
    return { reason: `predictedAt ${parsed.data.predictedAt} is more than a day ahead or ten years behind` };
  return { record: parsed.data };
}

function parseJson(text: string): { json: unknown } | { reason: string } {
  try {
    return { json: JSON.parse(text) };
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return { reason: `The record is not JSON: ${error.message}` };
  }
}

type Checked = { record: CaptureRecord } | { reason: string; fields: string[] };

/**
 * One entry's records: a `record` field holds one, a `records` field a JSON array of them, a `batch` field a
 * CaptureBatch (the runtime's flushed batches). A bad record of a many-record entry is dead-lettered on its own.
 */
function parseEntry(fields: string[], now: number): Checked[] {
  const fieldAt = (name: string) => fields.findIndex((field, i) => i % 2 === 0 && field === name);
  const kind = (["record", "records", "batch"] as const).find((name) => fieldAt(name) >= 0);
  if (!kind) return [{ reason: 'The entry has no "record", "records" or "batch" field', fields }];
  const parsed = parseJson(fields[fieldAt(kind) + 1] ?? "");
  if ("reason" in parsed) return [{ reason: parsed.reason, fields }];
  if (kind === "record") {
    const checked = checkRecord(parsed.json, now);
    return ["record" in checked ? checked : { ...checked, fields }];
  }
  if (kind === "records" && !Array.isArray(parsed.json)) return [{ reason: '"records" is not a JSON array', fields }];
  const expanded =
    kind === "records" ? (parsed.json as unknown[]).map((record) => ({ record })) : expandCaptureBatch(parsed.json);
  return expanded.map((item) => {
    if ("reason" in item) return { reason: item.reason, fields: ["record", JSON.stringify(item.raw)] };
    const checked = checkRecord(item.record, now);
    return "record" in checked ? checked : { ...checked, fields: ["record", JSON.stringify(item.record)] };
  });
}

/**
 * Splits a batch of stream entries into records to load and records to dead-letter (with why, and the fields to
 * keep: the entry's own, or the one bad record of a batch entry).
 */
export function parseStreamEntries(entries: readonly StreamEntry[], now: number): ParsedEntries {
  const out: ParsedEntries = { valid: [], invalid: [] };
  for (const [entryId, fields] of entries) {
    for (const result of parseEntry(fields, now)) {
      if ("record" in result) out.valid.push({ entryId, record: result.record });
      else out.invalid.push({ entryId, reason: result.reason, fields: result.fields });
    }
  }
  return out;
}
