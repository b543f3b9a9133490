import type { IncomingHttpHeaders } from "node:http";
import {
  INVOCATION_HEADERS,
  invocationOptionsSchema,
  MAX_FAILED_SAMPLES,
  MAX_SAMPLE_MESSAGE,
  type FailedSample,
  type InvocationOptions,
} from "@/contracts/runtime-invocations";
import { csvField } from "@/lib/csv/csv-byte-records";
import { badRequest } from "@/runtime/errors";
import { layoutOf, type WireBatch } from "@/runtime/inference/tensors";
import type { RuntimeMetrics } from "@/runtime/metrics";
import type { EndpointRegistry } from "@/runtime/serving/endpoint-registry";
import { measuredRequest } from "@/runtime/serving/measured-request";
import { csvBodyRecords, outputCells, packRecords, sliceBatch } from "@/runtime/serving/csv-rows";
import { chooseVariant, MAX_ROWS_PER_REQUEST } from "@/runtime/serving/predict";
import type { Variant } from "@/runtime/serving/variant";

/**
 * The most records one CSV request may hold (the body is at most 16 MiB); they are scored in slices of
 * MAX_ROWS_PER_REQUEST, so a SageMaker transform's mini-batches of up to 6 MB of narrow rows fit.
 */
export const MAX_CSV_ROWS_PER_REQUEST = 200_000;

export type InvocationAnswer = {
  csv: string;
  failed: number;
  samples: FailedSample[];
  variant: string;
  modelVersion: number | undefined;
};

/** The request's options, from its headers; a malformed one is refused (400) naming the header. */
export function invocationOptions(headers: IncomingHttpHeaders): InvocationOptions {
  const raw = Object.fromEntries(
    Object.entries(INVOCATION_HEADERS).flatMap(([key, header]) => {
      const value = headers[header];
      return typeof value === "string" ? [[key, value]] : [];
    }),
  );
  const parsed = invocationOptionsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const header = INVOCATION_HEADERS[issue?.path[0] as keyof typeof INVOCATION_HEADERS] ?? "a header";
  throw badRequest(`${header}: ${issue?.message ?? "malformed"}`);
}

function checkColumns(options: InvocationOptions, inputCount: number): number[] {
  const inputColumns = options.inputColumns ?? Array.from({ length: inputCount }, (_, i) => i);
  if (inputColumns.length !== inputCount)
    throw badRequest(
      `${INVOCATION_HEADERS.inputColumns} names ${inputColumns.length} columns; the signature has ${inputCount} inputs`,
    );
  return inputColumns;
}

/**
 * Scores CSV records on a live variant of the endpoint (see contracts/runtime-invocations.ts): the records are
 * parsed straight into tensors, scored as one batch, and answered as CSV lines in the records' order. Invocations are
 * batch scoring, not live traffic: they are counted and timed like predictions, but never captured, mirrored to
 * shadows or added to the drift histograms.
 */
export async function invoke(
  registry: Pick<EndpointRegistry, "get" | "serving">,
  metrics: RuntimeMetrics,
  request: { endpointName: string; bytes: Uint8Array; options: InvocationOptions },
): Promise<InvocationAnswer> {
  return measuredRequest(registry, metrics, request.endpointName, async (endpoint, track) => {
    const { variant, instruments } = track.servedBy(chooseVariant(endpoint.live, undefined, endpoint.routing?.salt));
    const answer = await scoreRecords(variant, request.bytes, request.options);
    instruments.rows.inc(answer.scored);
    for (const score of answer.scores) instruments.scores.observe(score);
    return { ...answer, variant: variant.config.variantName, modelVersion: variant.config.modelVersion };
  });
}

async function scoreRecords(variant: Variant, bytes: Uint8Array, options: InvocationOptions) {
  const { inputs, outputs } = variant.config.signature;
  const inputColumns = checkColumns(options, inputs.length);
  const records = csvBodyRecords(bytes, options.firstRow === undefined);
  if (records.length === 0) throw badRequest("The CSV body has no records");
  if (records.length > MAX_CSV_ROWS_PER_REQUEST)
    throw badRequest(`At most ${MAX_CSV_ROWS_PER_REQUEST} rows per request; got ${records.length}`);
  const packed = packRecords(records, inputs, inputColumns, layoutOf(inputs));
  if (packed.failed > 0 && options.rowErrors !== "column") {
    const rowIndex = packed.errors.findIndex((error) => error !== null);
    throw badRequest(`Row ${rowIndex}: ${packed.errors[rowIndex]}`, { rowIndex });
  }
  const scored = packed.batch.rowCount;
  const cells = scored > 0 ? await runInSlices(variant, packed.batch) : [];
  return {
    ...answerLines(records, packed.errors, cells, outputs.length, options),
    failed: packed.failed,
    samples: failedSamples(packed.errors),
    scored,
    scores: scored > 0 ? firstScores(cells[0]!) : [],
  };
}

/**
 * Scores the batch in slices of MAX_ROWS_PER_REQUEST rows, all handed to the inference threads at once (so they run
 * side by side, and a variant unloaded meanwhile waits for every one), and answers each output's cells in row order.
 */
async function runInSlices(variant: Variant, batch: WireBatch): Promise<string[][]> {
  const { outputs } = variant.config.signature;
  const slices: WireBatch[] = [];
  for (let from = 0; from < batch.rowCount; from += MAX_ROWS_PER_REQUEST)
    slices.push(sliceBatch(batch, from, Math.min(batch.rowCount, from + MAX_ROWS_PER_REQUEST)));
  const scored = await Promise.all(slices.map((slice) => variant.runPacked(slice)));
  const cells = outputs.map(() => [] as string[]);
  scored.forEach((feeds, i) =>
    outputCells(feeds, outputs, slices[i]!.rowCount).forEach((column, o) => cells[o]!.push(...column)),
  );
  return cells;
}

/**
 * Each record's answer line: its echoed cells, its row number, its outputs (empty when it failed) and, with row
 * errors in a column, its reason (empty when it was scored).
 */
function answerLines(
  records: readonly string[][],
  errors: readonly (string | null)[],
  cells: readonly string[][],
  outputCount: number,
  options: InvocationOptions,
): { csv: string } {
  const echo = options.echoColumns ?? [];
  const empty = ",".repeat(outputCount - 1);
  let csv = "";
  let scoredRow = 0;
  for (let r = 0; r < records.length; r++) {
    const fields = records[r]!;
    let line = "";
    for (const column of echo) line += `${csvField(fields[column] ?? "")},`;
    if (options.firstRow !== undefined) line += `${options.firstRow + r},`;
    const error = errors[r] ?? null;
    if (error === null) {
      for (let o = 0; o < outputCount; o++) line += `${o === 0 ? "" : ","}${cells[o]![scoredRow]}`;
      scoredRow++;
    } else line += empty;
    if (options.rowErrors === "column") line += `,${error === null ? "" : csvField(error)}`;
    csv += `${line}\n`;
  }
  return { csv };
}

function failedSamples(errors: readonly (string | null)[]): FailedSample[] {
  const samples: FailedSample[] = [];
  for (let r = 0; r < errors.length && samples.length < MAX_FAILED_SAMPLES; r++) {
    const error = errors[r] ?? null;
    if (error !== null) samples.push({ rowIndex: r, message: error.slice(0, MAX_SAMPLE_MESSAGE) });
  }
  return samples;
}

/** The first output's scores, as the score histogram takes them (numbers only: a JSON array or a label is skipped). */
function firstScores(cells: readonly string[]): number[] {
  const scores: number[] = [];
  for (const cell of cells) {
    const score = Number(cell);
    if (cell !== "" && Number.isFinite(score)) scores.push(score);
  }
  return scores;
}
