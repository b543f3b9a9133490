import type { FallbackReason } from "@/contracts/online-features";
import { errorMessage } from "@/lib/error-message";
import { badRequest, RuntimeError } from "@/runtime/errors";
import { assembleRows, type FeatureStores } from "@/runtime/features/feature-lookup";
import { fallbackAnswer } from "@/runtime/features/fallback-rules";
import { correlationIdSchema, type Prediction, type PredictResponse } from "@/contracts/runtime-predict";
import type { CapturedTexts } from "@/runtime/capture/capture-batch";
import type { Capturer } from "@/runtime/capture/capturer";
import type { RuntimeMetrics } from "@/runtime/metrics";
import type { Endpoint, EndpointRegistry } from "@/runtime/serving/endpoint-registry";
import { pickVariant } from "@/runtime/serving/routing";
import { countPredictions, newPredictionIds, serveVariant } from "@/runtime/serving/serve";
import { mirrorToShadows, type Schedule } from "@/runtime/serving/shadow";
import type { Variant } from "@/runtime/serving/variant";
import { measuredRequest } from "@/runtime/serving/measured-request";

export const MAX_ROWS_PER_REQUEST = 10_000;

type PredictBody = {
  rows: unknown[];
  routingKey?: string;
  correlationIds?: string[];
  /** The body has no top-level field but the rows and their correlation ids. */
  onlyRowsAndIds: boolean;
};

const ROWS_AND_IDS = new Set(["row", "rows", "correlationId", "correlationIds"]);

/**
 * The most request bytes a request captured whole may have: it goes into the capture stream as it is, so its size is
 * bounded here (larger requests are captured row by row: their signature inputs only).
 */
export const MAX_WHOLE_CAPTURE_BYTES = 64 * 1024;

/**
 * Whether the request's body holds nothing but the signature's inputs and correlation ids, and is small, so it may be
 * captured as it is: a body carrying other fields (a routing key, caller context) is captured row by row instead, so
 * nothing outside the signature ever reaches the capture stream. Every input is in every row (validated), so a row
 * with as many fields as inputs has no other.
 */
export function capturableWhole(body: PredictBody, bytes: Uint8Array, inputCount: number): boolean {
  if (!body.onlyRowsAndIds || bytes.length > MAX_WHOLE_CAPTURE_BYTES) return false;
  for (const row of body.rows) if (Object.keys(row as object).length !== inputCount) return false;
  return true;
}

/**
 * The answer's JSON with its ids and predictions last, and the JSON before them: capture takes only that last part
 * (the rest repeats the endpoint, variant and model its batch group has already).
 */
export function answerJson(answer: PredictResponse): { json: string; head: string } {
  const { predictionIds, predictions, ...rest } = answer;
  const head = JSON.stringify(rest);
  const tail = JSON.stringify({ predictionIds, predictions });
  return { json: `${head.slice(0, -1)},${tail.slice(1)}`, head };
}

/** What a request captured whole is written from: its body's bytes and the answer's, encoded once. */
export function capturedTexts(
  request: Uint8Array,
  answer: { json: string; head: string },
): CapturedTexts & { response: Buffer } {
  return { request, response: Buffer.from(answer.json), capturedFrom: Buffer.byteLength(answer.head) };
}

const validCorrelationId = (value: unknown): value is string => correlationIdSchema.safeParse(value).success;

/** `correlationId` goes with `row`, `correlationIds` (one per row, aligned) with `rows`; each 1–200 characters. */
function parseCorrelationIds(record: Record<string, unknown>, rowCount: number): string[] | undefined {
  if ("correlationId" in record) {
    if (!("row" in record)) throw badRequest('"correlationId" goes with "row"; send "correlationIds" with "rows"');
    if (!validCorrelationId(record.correlationId))
      throw badRequest("correlationId must be a string of 1–200 characters");
    return [record.correlationId];
  }
  if (!("correlationIds" in record)) return undefined;
  const ids = record.correlationIds;
  if (!("rows" in record)) throw badRequest('"correlationIds" goes with "rows"; send "correlationId" with "row"');
  if (!Array.isArray(ids) || ids.length !== rowCount)
    throw badRequest(`correlationIds must be an array with one id per row (${rowCount})`);
  const bad = ids.findIndex((id) => !validCorrelationId(id));
  if (bad >= 0) throw badRequest(`correlationIds[${bad}] must be a string of 1–200 characters`, { rowIndex: bad });
  return ids as string[];
}

function parseBody(body: unknown): PredictBody {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw badRequest('Send a JSON object: { "rows": [ {...} ] } or { "row": {...} }');
  const record = body as Record<string, unknown>;
  const routingKey = record.routingKey;
  if (routingKey !== undefined && typeof routingKey !== "string") throw badRequest("routingKey must be a string");
  if ("row" in record && "rows" in record) throw badRequest('Send either "row" or "rows", not both');
  const rows = "row" in record ? [record.row] : record.rows;
  if (!Array.isArray(rows) || rows.length === 0)
    throw badRequest('"rows" must be a non-empty array of feature objects');
  if (rows.length > MAX_ROWS_PER_REQUEST)
    throw badRequest(`At most ${MAX_ROWS_PER_REQUEST} rows per request; got ${rows.length}`);
  let onlyRowsAndIds = true;
  for (const key in record) if (!ROWS_AND_IDS.has(key)) onlyRowsAndIds = false;
  return { rows, routingKey, correlationIds: parseCorrelationIds(record, rows.length), onlyRowsAndIds };
}

/**
 * A single live variant (the common case) needs no weighted draw and no per-request routing table. Shadows are not in
 * `variants` (the endpoint's live ones).
 */
export function chooseVariant(
  variants: readonly Variant[],
  routingKey: string | undefined,
  salt: string | undefined,
): Variant | undefined {
  if (variants.length === 1) return variants[0]!.config.weight > 0 ? variants[0] : undefined;
  return pickVariant(
    variants.map((v) => ({ variantName: v.config.variantName, weight: v.config.weight, variant: v })),
    routingKey,
    Math.random,
    salt,
  )?.variant;
}

export type PredictDeps = {
  registry: Pick<EndpointRegistry, "get" | "serving">;
  metrics: RuntimeMetrics;
  capturer?: Capturer;
  /** Where endpoints with a feature lookup read stored features (absent: such endpoints answer 503). */
  featureStores?: FeatureStores;
  scheduleMirror?: Schedule;
};

type PredictRequest = { endpointName: string; body: unknown; bytes: Uint8Array; routingKeyHeader?: string };

/** A failure of the model rather than of the request: the fallback answers these, never a 4xx. */
const modelFailure = (error: unknown) => !(error instanceof RuntimeError) || error.status >= 500;

/** The rows the model is to see: with a feature lookup, the request's rows with their stored and request features. */
async function rowsToServe(deps: PredictDeps, endpoint: Endpoint, body: PredictBody) {
  const lookup = endpoint.onlineFeatures?.lookup;
  if (!lookup) return { rows: body.rows };
  if (!deps.featureStores)
    throw new RuntimeError(503, `Endpoint "${endpoint.name}" looks up features, but this runtime has no feature store`);
  const observe = (stage: string, seconds: number) =>
    deps.metrics.stageDuration.observe({ endpoint: endpoint.name, stage }, seconds);
  const assembled = await assembleRows(lookup, body.rows, deps.featureStores, observe);
  const { featureRows } = deps.metrics;
  if (assembled.unavailable) featureRows.inc({ endpoint: endpoint.name, path: "unavailable" }, body.rows.length);
  else {
    featureRows.inc({ endpoint: endpoint.name, path: "hot" }, assembled.sources.hot);
    featureRows.inc({ endpoint: endpoint.name, path: "cold" }, assembled.sources.cold);
  }
  return assembled;
}

/** The rule-based answer, marked as such; its rows are counted by reason and never captured. */
function fallbackJson(
  deps: PredictDeps,
  endpoint: Endpoint,
  rows: readonly unknown[],
  fallback: { reason: FallbackReason; detail: string },
): string {
  const started = performance.now();
  const rules = endpoint.onlineFeatures!.fallback!;
  const predictions = rows.map((row) => fallbackAnswer(rules, row as Record<string, unknown>));
  deps.metrics.fallbackRows.inc({ endpoint: endpoint.name, reason: fallback.reason }, rows.length);
  deps.metrics.stageDuration.observe(
    { endpoint: endpoint.name, stage: "fallback" },
    (performance.now() - started) / 1000,
  );
  const predictionIds = newPredictionIds(predictions.length);
  return answerJson({
    predictionId: predictionIds[0]!,
    predictionIds,
    endpoint: endpoint.name,
    variant: FALLBACK_VARIANT,
    predictions,
    fallback,
  }).json;
}

/** What a fallback answer names as its variant: not a legal variant name, so it never stands for a model. */
export const FALLBACK_VARIANT = "(rules)";

/**
 * Serves one prediction request and answers with the response's JSON (as bytes when it is captured whole): with a
 * feature lookup, assembles each row's features first; routes it to a live variant (by weight, or by routing key),
 * validates the rows against that variant's signature, batches them with other requests, and records the request's
 * metrics. The endpoint's shadows get the answered rows afterwards. When the model fails (or stored features cannot
 * be read) and the endpoint declares a fallback, its rules answer; the request still counts as the model's failure in
 * the request metrics, so a failing model is never hidden from rollout guardrails and dashboards.
 */
export async function predict(deps: PredictDeps, request: PredictRequest): Promise<string | Buffer> {
  const { metrics, capturer } = deps;
  const started = performance.now();
  const arrivedAtMs = Date.now();
  return measuredRequest(deps.registry, metrics, request.endpointName, async (endpoint, track) => {
    const body = parseBody(request.body);
    const fallback = endpoint.onlineFeatures?.fallback;
    const assembled = await rowsToServe(deps, endpoint, body);
    if ("unavailable" in assembled && assembled.unavailable) {
      const detail = "Stored features could be read from neither Redis nor PostgreSQL";
      if (!fallback) throw new RuntimeError(503, `Endpoint "${endpoint.name}": ${detail}`);
      track.unanswered(503);
      return fallbackJson(deps, endpoint, assembled.rows, { reason: "features_unavailable", detail });
    }
    const rows = assembled.rows;
    const { variant, instruments } = track.servedBy(
      chooseVariant(endpoint.live, request.routingKeyHeader ?? body.routingKey, endpoint.routing?.salt),
    );
    const variantName = variant.config.variantName;
    const inferenceStarted = performance.now();
    let predictions: Prediction[];
    try {
      predictions = await serveVariant(variant, rows, endpoint.name, metrics.features);
    } catch (error) {
      if (!fallback || !modelFailure(error)) throw error;
      track.unanswered(error instanceof RuntimeError ? error.status : 500);
      const detail = `Variant "${variantName}" failed: ${errorMessage(error)}`;
      return fallbackJson(deps, endpoint, rows, { reason: "model_failed", detail });
    }
    if (endpoint.onlineFeatures)
      metrics.stageDuration.observe(
        { endpoint: endpoint.name, stage: "inference" },
        (performance.now() - inferenceStarted) / 1000,
      );
    countPredictions(instruments, predictions);
    const predictionIds = newPredictionIds(predictions.length);
    const answer = answerJson({
      predictionId: predictionIds[0]!,
      predictionIds,
      endpoint: endpoint.name,
      variant: variantName,
      modelName: variant.config.modelName,
      modelVersion: variant.config.modelVersion,
      predictions,
      ...("sources" in assembled && { featureSources: assembled.sources }),
    });
    const { json } = answer;
    // With capture on, the answer is encoded once: sent as these bytes, and captured from them. Rows whose features
    // were looked up are captured row by row (the request's bytes lack those features).
    const texts =
      capturer?.enabled &&
      !endpoint.onlineFeatures?.lookup &&
      capturableWhole(body, request.bytes, variant.config.signature.inputs.length)
        ? capturedTexts(request.bytes, answer)
        : undefined;
    capturer?.capture({
      endpoint: endpoint.name,
      variant: variantName,
      modelName: variant.config.modelName,
      modelVersion: variant.config.modelVersion,
      inputs: variant.config.signature.inputs,
      rows,
      predictions,
      predictionIds,
      correlationIds: body.correlationIds,
      latencyMs: performance.now() - started,
      captureProbability: endpoint.capture.rate,
      predictedAtMs: arrivedAtMs,
      texts,
    });
    if (endpoint.shadows.length > 0) {
      const answered = {
        endpointName: endpoint.name,
        captureProbability: endpoint.capture.rate,
        rows,
        predictionIds,
      };
      mirrorToShadows(endpoint.shadows, answered, { metrics, capturer, schedule: deps.scheduleMirror });
    }
    return texts?.response ?? json;
  });
}
