import { z } from "zod";
import { ASYNC_CONTENT_TYPES, type AsyncContentType } from "@/contracts/async-invocations";
import { CsvRecordBatches } from "@/lib/csv/csv-record-batches";
import { readAtMost } from "@/lib/web-streams";
import { AppError, badRequest } from "@/server/errors";
import { tooLarge } from "@/server/services/artifacts/artifact-store";
import type { AsyncInferenceSettings } from "@/server/services/context";

export const DEFAULT_ASYNC_SETTINGS: AsyncInferenceSettings = {
  maxCsvBytes: 1024 * 1024 * 1024,
  maxJsonBytes: 32 * 1024 * 1024,
  callbackHosts: [],
};

/** The payload's type from its Content-Type header (parameters such as charset ignored); 415 for any other. */
export function payloadType(contentType: string | null | undefined): AsyncContentType {
  const media = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const known = ASYNC_CONTENT_TYPES.find((type) => type === media);
  if (!known)
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      `Send the payload as ${ASYNC_CONTENT_TYPES.join(" or ")} (got ${media || "no Content-Type"})`,
    );
  return known;
}

export const maxPayloadBytes = (type: AsyncContentType, settings: AsyncInferenceSettings) =>
  type === "text/csv" ? settings.maxCsvBytes : settings.maxJsonBytes;

/** A JSON payload: rows as /predict takes them (objects of input values by name). */
const jsonPayloadSchema = z.object({
  rows: z.array(z.record(z.string(), z.unknown())).min(1, "at least one row"),
});

/** The rows of a JSON payload; a malformed one is refused (400) saying where. */
export function jsonRows(bytes: Uint8Array): Record<string, unknown>[] {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    // SyntaxError: not JSON; TypeError: not UTF-8 (the fatal decoder).
    if (error instanceof SyntaxError || error instanceof TypeError)
      throw badRequest(`The payload is not JSON: ${error.message}`);
    throw error;
  }
  const parsed = jsonPayloadSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(
      `The payload must be {"rows": [{...}, ...]}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
    );
  }
  return parsed.data.rows;
}

/** Reads a stream whole, refusing (413) past `maxBytes` without reading further. */
export async function readBounded(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const bytes = await readAtMost(stream, maxBytes);
  if (bytes === "TOO_LARGE") throw tooLarge(maxBytes);
  return bytes;
}

/**
 * CSV bytes passed on unchanged while their records are counted (one record at a time, nothing kept): a quote left
 * open or a record longer than `maxRecordBytes` errors the stream (CsvSyntaxError), so whoever reads it fails.
 */
export function countingCsvRecords(body: ReadableStream<Uint8Array>, maxRecordBytes: number) {
  const records = new CsvRecordBatches(1, 0, 1, maxRecordBytes);
  let count = 0;
  const stream = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        for (const batch of records.push(chunk)) count += batch.rows;
        controller.enqueue(chunk);
      },
      flush() {
        for (const batch of records.end()) count += batch.rows;
      },
    }),
  );
  return { stream, records: () => count };
}
