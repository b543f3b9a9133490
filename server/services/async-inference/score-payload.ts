import { INVOCATION_ANSWER_HEADERS } from "@/contracts/runtime-invocations";
import type { PredictResponse } from "@/contracts/runtime-predict";
import { countAnswerLines } from "@/lib/csv/count-answer-lines";
import { CsvRecordBatches } from "@/lib/csv/csv-record-batches";
import { chunksOf } from "@/lib/web-streams";
import type { LocalRuntimeClient } from "@/server/integrations/local-runtime/client";
import type { ArtifactStore, StoredBlob } from "@/server/services/artifacts/artifact-store";
import type { ServedSlice } from "@/server/services/async-inference/schemas";

/** Rows per predict request (the runtime's own limit) and records per CSV request (well under its 200,000). */
export const JSON_SLICE_ROWS = 10_000;
export const CSV_SLICE_ROWS = 100_000;
/** A slice also closes at this many bytes (the runtime takes 16 MiB per request). */
export const SLICE_BYTES = 8 * 1024 * 1024;
/** One record longer than a whole request can never be scored: the payload fails before more of it is buffered. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
const CALL_TIMEOUT_MS = 120_000;
/** How long a slice waits on a waking or briefly unserved endpoint (503 + Retry-After) before the attempt fails. */
const UNAVAILABLE_WAIT_MS = 60_000;

/** The payload cannot be scored whatever is retried (a row the model refuses, CSV that does not parse). */
export class AsyncInputError extends Error {
  override name = "AsyncInputError";
}

/** The runtime could not answer now (down, restarting, the endpoint not loaded): the attempt is retried. */
export class AsyncRuntimeError extends Error {
  override name = "AsyncRuntimeError";
}

export type ScoringDeps = {
  runtime: LocalRuntimeClient;
  artifacts: ArtifactStore;
  sleep: (ms: number) => Promise<void>;
  /** Called between slices: throws when the work must stop (the lease is lost). */
  checkpoint: () => Promise<void>;
};

export type ScoredPayload = { output: StoredBlob; rows: number; served: ServedSlice[] };

type RuntimeRefusal = { error?: string; rowIndex?: number };

async function refusalOf(response: Response): Promise<RuntimeRefusal> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as RuntimeRefusal;
    return typeof body === "object" && body !== null ? body : { error: text.slice(0, 500) };
  } catch (error) {
    if (error instanceof SyntaxError) return { error: text.slice(0, 500) };
    throw error;
  }
}

/**
 * One request to the runtime, waiting out a 503 with Retry-After (a scaled-to-zero endpoint waking, or one briefly
 * without a live variant during a release) for up to a minute. A 400 names the first row (counted from `firstRow`) the
 * model refused: the payload's fault, never retried. Anything else unanswered is the runtime's, retried by the job.
 */
async function call(deps: ScoringDeps, send: () => Promise<Response>, firstRow: number): Promise<Response> {
  const giveUpAt = Date.now() + UNAVAILABLE_WAIT_MS;
  for (;;) {
    const response = await send().catch((error: unknown) => {
      throw new AsyncRuntimeError(`The local runtime did not answer: ${String(error)}`);
    });
    if (response.ok) return response;
    const refusal = await refusalOf(response);
    if (response.status === 400 || response.status === 413) {
      const row = refusal.rowIndex === undefined ? "" : `row ${firstRow + refusal.rowIndex}: `;
      throw new AsyncInputError(`${row}${refusal.error ?? `refused (${response.status})`}`);
    }
    const retryAfter = Number(response.headers.get("retry-after"));
    if (response.status !== 503 || !(retryAfter >= 0) || Date.now() >= giveUpAt)
      throw new AsyncRuntimeError(`The runtime could not answer (${response.status}): ${refusal.error ?? ""}`);
    await deps.sleep(Math.min(Math.max(retryAfter * 1000, 200), 5_000));
  }
}

/** Adds `rows` scored by a variant, merging with the previous slice when the same variant answered it. */
function addServed(served: ServedSlice[], slice: ServedSlice) {
  const last = served.at(-1);
  if (last && last.variant === slice.variant && last.modelVersion === slice.modelVersion) last.rows += slice.rows;
  else served.push(slice);
}

/** Consecutive rows, at most JSON_SLICE_ROWS of them and about SLICE_BYTES of JSON (one row alone if it is larger). */
export function* jsonSlices(rows: readonly Record<string, unknown>[]) {
  let start = 0;
  while (start < rows.length) {
    let end = start;
    let bytes = 0;
    while (end < rows.length && end - start < JSON_SLICE_ROWS) {
      bytes += JSON.stringify(rows[end]).length + 1;
      if (bytes > SLICE_BYTES && end > start) break;
      end++;
    }
    yield { start, slice: rows.slice(start, end) };
    start = end;
  }
}

/**
 * Scores JSON rows in slices of the runtime's predict limit; the result is what one /predict call would answer for
 * them all: `{"predictions": [...], "predictionIds": [...]}` in row order (the ids ground truth is reported against).
 */
export async function scoreJsonRows(
  deps: ScoringDeps,
  endpointName: string,
  rows: readonly Record<string, unknown>[],
): Promise<ScoredPayload> {
  const predictions: PredictResponse["predictions"] = [];
  const predictionIds: string[] = [];
  const served: ServedSlice[] = [];
  for (const { start, slice } of jsonSlices(rows)) {
    await deps.checkpoint();
    const response = await call(deps, () => deps.runtime.predict(endpointName, slice, CALL_TIMEOUT_MS), start);
    const answer = (await response.json()) as PredictResponse;
    if (answer.predictions.length !== slice.length)
      throw new AsyncRuntimeError(
        `The runtime answered ${answer.predictions.length} predictions for ${slice.length} rows`,
      );
    predictions.push(...answer.predictions);
    predictionIds.push(...answer.predictionIds);
    addServed(served, { rows: slice.length, variant: answer.variant, modelVersion: answer.modelVersion ?? null });
  }
  const bytes = new TextEncoder().encode(JSON.stringify({ predictions, predictionIds }));
  const output = await deps.artifacts.put(new Blob([bytes]).stream(), { maxBytes: bytes.length });
  return { output, rows: rows.length, served };
}

/**
 * Scores CSV records (no header; each record the signature's inputs in order, as SageMaker sends them) in slices, and
 * streams the answer lines (the outputs in signature order, one line per record) into the store as they come.
 */
export async function scoreCsvRecords(
  deps: ScoringDeps,
  endpointName: string,
  input: { sha256: string },
): Promise<ScoredPayload> {
  const served: ServedSlice[] = [];
  const pipe = new TransformStream<Uint8Array, Uint8Array>();
  const stored = deps.artifacts.put(pipe.readable, { maxBytes: Number.MAX_SAFE_INTEGER });
  // The store reads as the writer writes: a write waits for it, so a store that fails must end the wait too.
  const storeFailed = stored.then(() => new Promise<never>(() => undefined));
  storeFailed.catch(() => undefined);
  const writer = pipe.writable.getWriter();
  const encoder = new TextEncoder();
  let rows = 0;
  const scoreSlice = async (bytes: Uint8Array, count: number) => {
    await deps.checkpoint();
    const records = new Uint8Array(bytes);
    const response = await call(deps, () => deps.runtime.invokeCsv(endpointName, records, {}, CALL_TIMEOUT_MS), rows);
    const text = await response.text();
    if (countAnswerLines(text) !== count)
      throw new AsyncRuntimeError(`The runtime answered ${countAnswerLines(text)} lines for ${count} records`);
    const version = response.headers.get(INVOCATION_ANSWER_HEADERS.modelVersion);
    addServed(served, {
      rows: count,
      variant: response.headers.get(INVOCATION_ANSWER_HEADERS.variant) ?? "(unknown)",
      modelVersion: version === null ? null : Number(version),
    });
    rows += count;
    await Promise.race([writer.write(encoder.encode(text)), storeFailed]);
  };
  try {
    const batches = new CsvRecordBatches(CSV_SLICE_ROWS, 0, SLICE_BYTES, MAX_RECORD_BYTES);
    for await (const chunk of chunksOf(await deps.artifacts.get(input.sha256)))
      for (const batch of batches.push(chunk)) await scoreSlice(batch.bytes, batch.rows);
    for (const batch of batches.end()) await scoreSlice(batch.bytes, batch.rows);
    if (rows === 0) throw new AsyncInputError("The CSV payload has no records");
    await Promise.race([writer.close(), storeFailed]);
  } catch (error) {
    // Not awaited: with a write pending that a failed store will never read, abort would wait for it for ever.
    writer.abort(error).catch(() => undefined);
    if (!pipe.readable.locked) pipe.readable.cancel(error).catch(() => undefined);
    throw error;
  }
  return { output: await stored, rows, served };
}
