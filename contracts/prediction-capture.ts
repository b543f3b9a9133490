import { z } from "zod";

/**
 * What the runtime appends to the capture stream for every captured prediction row, and what the capture loader
 * (and the SageMaker capture import, after translating SageMaker's JSONL) parses before writing CapturedPrediction.
 * A stream entry carries one field: `record` (one such object as JSON; the SageMaker import writes these),
 * `records` (a JSON array of them), or `batch` (a CaptureBatch: the runtime appends each flushed batch as one entry,
 * writing what a group of rows shares once, which costs Redis and the runtime one command per batch instead of one
 * per row and a third of the bytes; requests captured whole go as their request and response bodies).
 */
export const CAPTURE_STREAM_KEY = "modelport:capture";

export const capturedValueSchema = z.union([
  z.number(),
  z.string(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.number(), z.string(), z.boolean(), z.null()])),
]);

export const captureRecordSchema = z.object({
  /** The row's prediction id (a UUID); row 0's id is the request's predictionId. */
  id: z.uuid(),
  requestId: z.uuid(),
  rowIndex: z.number().int().min(0),
  endpoint: z.string().min(1).max(200),
  variant: z.string().min(1).max(200),
  modelName: z.string().min(1).max(200).optional(),
  modelVersion: z.number().int().min(1).optional(),
  correlationId: z.string().min(1).max(200).optional(),
  /**
   * Set on a shadow variant's prediction: the id of the live prediction (the row the caller was answered with) whose
   * input it was mirrored from. A shadow row has its own id and requestId, and no correlationId of its own.
   */
  mirrorOf: z.uuid().optional(),
  inputs: z.record(z.string(), capturedValueSchema),
  outputs: z.record(z.string(), capturedValueSchema),
  latencyMs: z.number().min(0),
  /** The endpoint's capture rate when the row was served: the probability that it was captured. */
  captureProbability: z.number().gt(0).max(1),
  /** Who served it: the local runtime, or a SageMaker endpoint whose data capture was imported from S3. */
  source: z.enum(["RUNTIME", "SAGEMAKER"]).default("RUNTIME"),
  /** When the prediction was made, ISO 8601. */
  predictedAt: z.iso.datetime({ offset: true }),
});

export type CaptureRecord = z.infer<typeof captureRecordSchema>;

/** The first numeric output, in key order (a classifier's probability, a regressor's value). */
export function firstNumericOutput(outputs: Record<string, unknown>): number | undefined {
  for (const key in outputs) {
    const value = outputs[key];
    const scalar = Array.isArray(value) && value.length === 1 ? value[0] : value;
    return typeof scalar === "number" && Number.isFinite(scalar) ? scalar : undefined;
  }
  return undefined;
}

/**
 * One captured row in a CaptureBatch group: [id, requestId (null when it is the id: row 0 of its request), rowIndex,
 * correlationId or null, latencyMs, predictedAt in epoch milliseconds, the inputs' values in the group's `inputs`
 * order, the outputs, and — only for a shadow variant's row — mirrorOf, the live prediction's id]. Shadow rows are
 * always captured row by row: a request captured whole (CaptureBatchRequest) never has a mirrorOf.
 */
export type CaptureBatchRow = [
  id: string,
  requestId: string | null,
  rowIndex: number,
  correlationId: string | null,
  latencyMs: number,
  predictedAtMs: number,
  values: readonly unknown[],
  outputs: unknown,
  mirrorOf?: string,
];

/**
 * One request captured whole, as the texts the runtime already had, written into the entry as they are (both are
 * JSON: the request body parsed before it was served, the response written by JSON.stringify): [latencyMs,
 * predictedAt in epoch milliseconds, the request body (`{"rows": […], "correlationIds"?: […]}` or `{"row": {…},
 * "correlationId"?: …}`), the response's ids and predictions (`{"predictionIds": […], "predictions": […]}`; the runtime captures only that
 * part of its answer, the rest repeating the group's endpoint, variant and model)]. The loader picks each
 * row's signature inputs, id and outputs from them, so the serving thread formats and escapes nothing.
 */
export type CaptureBatchRequest = [latencyMs: number, predictedAtMs: number, request: unknown, response: unknown];

/** Rows that share endpoint, variant, model version and capture probability, and so the inputs' names. */
export type CaptureBatchGroup = {
  endpoint: string;
  variant: string;
  modelName?: string;
  modelVersion?: number;
  captureProbability: number;
  inputs: readonly string[];
  rows: readonly CaptureBatchRow[];
  /** Requests captured whole (every row of them); absent in entries written before there were any. */
  requests?: readonly CaptureBatchRequest[];
};

/** The `batch` field of a runtime stream entry. */
export type CaptureBatch = { groups: readonly CaptureBatchGroup[] };

const ROW_FIELDS = 8;

/**
 * A CaptureBatch's rows as record-shaped objects, each still to be checked against captureRecordSchema (the batch
 * comes from outside the loader's process). A row or group that is not even shaped like one is answered with why,
 * and the raw JSON to keep.
 */
export function expandCaptureBatch(batch: unknown): Array<{ record: unknown } | { reason: string; raw: unknown }> {
  const groups = (batch as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups)) return [{ reason: '"batch" has no "groups" array', raw: batch }];
  return groups.flatMap((group: unknown) => expandGroup(group));
}

type Expanded = Array<{ record: unknown } | { reason: string; raw: unknown }>;
type GroupFields = Partial<Record<keyof CaptureBatchGroup, unknown>>;

function expandGroup(group: unknown): Expanded {
  const g = group as GroupFields | null;
  if (
    !g ||
    !Array.isArray(g.rows) ||
    !Array.isArray(g.inputs) ||
    !g.inputs.every((name) => typeof name === "string") ||
    (g.requests !== undefined && !Array.isArray(g.requests))
  )
    return [
      {
        reason: 'A "batch" group needs "inputs" (names) and "rows" arrays (and "requests", when present, an array)',
        raw: group,
      },
    ];
  const names = g.inputs as string[];
  const requests = (g.requests ?? []) as unknown[];
  return [...expandRows(g, names, g.rows), ...requests.flatMap((request) => expandRequest(g, names, request))];
}

function expandRows(g: GroupFields, names: readonly string[], rows: unknown[]): Expanded {
  return rows.map((row: unknown) => {
    if (
      !Array.isArray(row) ||
      (row.length !== ROW_FIELDS && row.length !== ROW_FIELDS + 1) ||
      !Array.isArray(row[6]) ||
      row[6].length !== names.length
    )
      return {
        reason: `A "batch" row is [id, requestId, rowIndex, correlationId, latencyMs, predictedAtMs, values (${names.length}), outputs, mirrorOf (shadow rows only)]`,
        raw: row,
      };
    const [id, requestId, rowIndex, correlationId, latencyMs, predictedAtMs, values, outputs, mirrorOf] =
      row as unknown[];
    const inputs = Object.fromEntries((values as unknown[]).map((value, i) => [names[i]!, value]));
    return {
      record: {
        id,
        requestId: requestId ?? id,
        rowIndex,
        endpoint: g.endpoint,
        variant: g.variant,
        modelName: g.modelName,
        modelVersion: g.modelVersion,
        correlationId: correlationId ?? undefined,
        mirrorOf: mirrorOf ?? undefined,
        inputs,
        outputs,
        latencyMs,
        captureProbability: g.captureProbability,
        source: "RUNTIME",
        predictedAt: isoFromEpochMs(predictedAtMs),
      },
    };
  });
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

type RequestParts =
  | { reason: string }
  | { rows: unknown[]; correlationIds: unknown[] | undefined; predictionIds: unknown[]; predictions: unknown[] };

/** A request's rows and correlation ids, and its answer's ids and outputs, or why they do not line up. */
function requestParts(sent: unknown, answered: unknown): RequestParts {
  const body = asRecord(sent);
  const answer = asRecord(answered);
  const rows = "row" in body ? [body.row] : body.rows;
  const correlationIds = "correlationId" in body ? [body.correlationId] : body.correlationIds;
  const { predictionIds, predictions } = answer;
  if (!Array.isArray(rows) || !Array.isArray(predictionIds) || !Array.isArray(predictions))
    return { reason: 'A captured request needs "row" or "rows", and its response "predictionIds" and "predictions"' };
  if (predictionIds.length !== rows.length || predictions.length !== rows.length)
    return {
      reason: `A captured request of ${rows.length} rows was answered with ${predictionIds.length} ids and ${predictions.length} predictions`,
    };
  if (correlationIds !== undefined && (!Array.isArray(correlationIds) || correlationIds.length !== rows.length))
    return { reason: "A captured request's correlation ids do not match its rows" };
  return { rows, correlationIds: correlationIds as unknown[] | undefined, predictionIds, predictions };
}

/** A request captured whole: one record per row, its inputs the signature's fields of the row as the caller sent them. */
function expandRequest(g: GroupFields, names: readonly string[], request: unknown): Expanded {
  if (!Array.isArray(request) || request.length !== 4)
    return [{ reason: 'A "batch" request is [latencyMs, predictedAtMs, request, response]', raw: request }];
  const [latencyMs, predictedAtMs, sent, answered] = request as unknown[];
  const parts = requestParts(sent, answered);
  if ("reason" in parts) return [{ reason: parts.reason, raw: request }];
  const requestId = parts.predictionIds[0];
  const predictedAt = isoFromEpochMs(predictedAtMs);
  return parts.rows.map((row, rowIndex) => {
    const values = asRecord(row);
    return {
      record: {
        id: parts.predictionIds[rowIndex],
        requestId,
        rowIndex,
        endpoint: g.endpoint,
        variant: g.variant,
        modelName: g.modelName,
        modelVersion: g.modelVersion,
        correlationId: parts.correlationIds?.[rowIndex] ?? undefined,
        inputs: Object.fromEntries(names.map((name) => [name, Object.hasOwn(values, name) ? values[name] : null])),
        outputs: parts.predictions[rowIndex],
        latencyMs,
        captureProbability: g.captureProbability,
        source: "RUNTIME",
        predictedAt,
      },
    };
  });
}

/** An ISO time for a finite epoch-milliseconds number; anything else is passed on for the schema to refuse. */
function isoFromEpochMs(value: unknown): unknown {
  if (typeof value !== "number" || !Number.isFinite(value)) return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}
