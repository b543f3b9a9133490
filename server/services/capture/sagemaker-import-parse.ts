import { createHash } from "node:crypto";
import { z } from "zod";
import { captureRecordSchema, type CaptureRecord } from "@/contracts/prediction-capture";

/**
 * SageMaker's data-capture JSONL, one captured request per line, turned into capture stream records. A request holds
 * rows in the format the portal's serving container takes ({"rows": [{...}]} or {"row": {...}}, or CSV lines of
 * values in the signature's input order) and its answer one prediction per row ({"predictions": [{...}]}, or CSV).
 */

const payloadSchema = z.object({
  data: z.string(),
  encoding: z.enum(["JSON", "CSV", "BASE64"]),
  observedContentType: z.string().optional(),
});

const captureLineSchema = z.object({
  captureData: z.object({ endpointInput: payloadSchema, endpointOutput: payloadSchema }),
  eventMetadata: z.object({
    eventId: z.string().min(1).max(200),
    inferenceId: z.string().min(1).max(200).optional(),
    inferenceTime: z.iso.datetime({ offset: true }),
  }),
});

type Payload = z.infer<typeof payloadSchema>;
type Row = Record<string, unknown>;

/** What every record of one variant's objects shares. */
export type CaptureContext = {
  endpoint: string;
  variant: string;
  modelName?: string;
  modelVersion?: number;
  /** SageMaker's sampling percentage / 100. */
  captureProbability: number;
  /** Column names of CSV payloads (the signature's inputs and outputs, in order). */
  inputNames: readonly string[];
  outputNames: readonly string[];
};

export type Malformed = { line: number; reason: string };

class LineError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A name-based UUID (version 5 layout over SHA-256): the same event always gets the same prediction id. */
export function uuidFrom(name: string): string {
  const bytes = createHash("sha256").update(`modelport:sagemaker-capture:${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function decodedText(payload: Payload): { text: string; csv: boolean } {
  if (payload.encoding !== "BASE64") return { text: payload.data, csv: payload.encoding === "CSV" };
  const csv = /csv/i.test(payload.observedContentType ?? "");
  return { text: Buffer.from(payload.data, "base64").toString("utf8"), csv };
}

function csvRows(text: string, names: readonly string[], fallback: string): Row[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) =>
      Object.fromEntries(
        line.split(",").map((cell, index) => {
          const trimmed = cell.trim();
          const number = Number(trimmed);
          return [names[index] ?? `${fallback}${index}`, trimmed !== "" && Number.isFinite(number) ? number : trimmed];
        }),
      ),
    );
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new LineError(`${what} is not valid JSON`);
  }
}

const isRow = (value: unknown): value is Row => typeof value === "object" && value !== null && !Array.isArray(value);

function jsonRows(value: unknown, keys: readonly string[], what: string): Row[] {
  const list = isRow(value)
    ? keys.map((key) => (key === "row" ? [value[key]] : value[key])).find(Array.isArray)
    : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every(isRow)) {
    throw new LineError(`${what} holds no ${keys.map((k) => `"${k}"`).join(" or ")} list of objects`);
  }
  return list;
}

function inputRows(payload: Payload, context: CaptureContext): Row[] {
  const { text, csv } = decodedText(payload);
  if (csv) return csvRows(text, context.inputNames, "input_");
  const value = parseJson(text, "endpointInput");
  return jsonRows(value, ["rows", "row"], "endpointInput");
}

function outputRows(payload: Payload, context: CaptureContext): Row[] {
  const { text, csv } = decodedText(payload);
  if (csv) return csvRows(text, context.outputNames, "output_");
  return jsonRows(parseJson(text, "endpointOutput"), ["predictions"], "endpointOutput");
}

function lineRecords(line: string, context: CaptureContext): CaptureRecord[] {
  const json = parseJson(line, "The line");
  const parsed = captureLineSchema.safeParse(json);
  if (!parsed.success) throw new LineError(`Not a SageMaker capture record: ${z.prettifyError(parsed.error)}`);
  const { captureData, eventMetadata } = parsed.data;
  const inputs = inputRows(captureData.endpointInput, context);
  const outputs = outputRows(captureData.endpointOutput, context);
  if (inputs.length !== outputs.length) {
    throw new LineError(`${outputs.length} predictions for ${inputs.length} input rows`);
  }
  const { eventId } = eventMetadata;
  const requestId = UUID.test(eventId) ? eventId.toLowerCase() : uuidFrom(eventId);
  return inputs.map((row, rowIndex) => {
    const record = captureRecordSchema.safeParse({
      id: rowIndex === 0 ? requestId : uuidFrom(`${eventId}#${rowIndex}`),
      requestId,
      rowIndex,
      endpoint: context.endpoint,
      variant: context.variant,
      modelName: context.modelName,
      modelVersion: context.modelVersion,
      correlationId: eventMetadata.inferenceId,
      inputs: row,
      outputs: outputs[rowIndex],
      latencyMs: 0,
      captureProbability: context.captureProbability,
      source: "SAGEMAKER",
      predictedAt: eventMetadata.inferenceTime,
    });
    if (!record.success) throw new LineError(`Row ${rowIndex}: ${z.prettifyError(record.error)}`);
    return record.data;
  });
}

/** Every well-formed line's records, and each malformed line (1-based) with why it was skipped. */
export function parseCaptureObject(
  text: string,
  context: CaptureContext,
): { records: CaptureRecord[]; malformed: Malformed[] } {
  const records: CaptureRecord[] = [];
  const malformed: Malformed[] = [];
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      records.push(...lineRecords(line, context));
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      malformed.push({ line: index + 1, reason: error.message });
    }
  });
  return { records, malformed };
}
