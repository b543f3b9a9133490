import type { CaptureBatchGroup } from "@/contracts/prediction-capture";
import type { CapturedRequest } from "@/runtime/capture/capture-buffer";

/**
 * What a group of captured rows shares (contracts/prediction-capture.ts, CaptureBatchGroup without its rows): rows of
 * requests with the same endpoint, variant, model version, capture rate and signature inputs. Built once per
 * distinct value and reused, with its JSON, by every row that belongs to it.
 */
export type CaptureGroup = {
  readonly endpoint: string;
  readonly variant: string;
  readonly modelName: string | undefined;
  readonly modelVersion: number | undefined;
  readonly captureProbability: number;
  readonly inputs: ReadonlyArray<{ name: string }>;
  /** The group's header as JSON up to where `"rows":[` follows: `{"endpoint":…,"inputs":[…],`. */
  readonly headJson: string;
};

/**
 * What waits for the flusher, already serialised: one row (a CaptureBatchRow as JSON, `rows` = 1) or a request
 * captured whole (a CaptureBatchRequest as JSON, `whole`, `rows` = its row count).
 */
export type PendingCapture = { group: CaptureGroup; json: string; rows: number; whole: boolean };

const MAX_GROUPS = 1_000;

/**
 * The CaptureGroup of each request. The last group answered is checked first (field by field, no key built), which
 * is every request of an endpoint with one variant; other requests are looked up by key. Bounded: past MAX_GROUPS
 * distinct groups (endpoints redeployed many times) the cache starts again.
 */
export class CaptureGroups {
  private last: CaptureGroup | undefined;
  private readonly byKey = new Map<string, CaptureGroup>();

  of(request: CapturedRequest): CaptureGroup {
    const last = this.last;
    if (last && sameGroup(last, request)) return last;
    const key = `${request.endpoint}\n${request.variant}\n${request.modelName ?? ""}\n${request.modelVersion ?? ""}\n${request.captureProbability}\n${request.inputs.map((input) => input.name).join("\n")}`;
    let group = this.byKey.get(key);
    if (!group) {
      if (this.byKey.size >= MAX_GROUPS) this.byKey.clear();
      this.byKey.set(key, (group = newGroup(request)));
    }
    return (this.last = group);
  }
}

const sameGroup = (group: CaptureGroup, r: CapturedRequest) =>
  group.inputs === r.inputs &&
  group.endpoint === r.endpoint &&
  group.variant === r.variant &&
  group.modelName === r.modelName &&
  group.modelVersion === r.modelVersion &&
  group.captureProbability === r.captureProbability;

function newGroup(request: CapturedRequest): CaptureGroup {
  const header: Omit<CaptureBatchGroup, "rows"> = {
    endpoint: request.endpoint,
    variant: request.variant,
    modelName: request.modelName,
    modelVersion: request.modelVersion,
    captureProbability: request.captureProbability,
    inputs: request.inputs.map((input) => input.name),
  };
  return {
    endpoint: request.endpoint,
    variant: request.variant,
    modelName: request.modelName,
    modelVersion: request.modelVersion,
    captureProbability: request.captureProbability,
    inputs: request.inputs,
    headJson: JSON.stringify(header).slice(0, -1) + ",",
  };
}

/**
 * One captured row as a CaptureBatchRow in JSON (contracts/prediction-capture.ts): [id, requestId or null, rowIndex,
 * correlationId or null, latencyMs, predictedAtMs, the inputs' values in the group's order, the outputs]. Written when
 * the row is offered, so the buffer holds one flat string per row instead of references to the request's objects.
 * Inputs are the caller's values of the signature's inputs, as sent and validated: a string feature such as "01001"
 * stays a string. The latency is kept to the microsecond (fewer digits to format).
 * One JSON.stringify of a short array on purpose: a row concatenated by hand from pieces measured slower, its string
 * being a rope of ~25 pieces that each young-generation collection copies until the batch is joined. Most of the cost
 * is formatting the floating-point features and outputs (~half of it), which any JSON form of the values pays.
 */
export function captureRowJson(request: CapturedRequest, rowIndex: number): string {
  const { inputs } = request;
  const row = request.rows[rowIndex] as Record<string, unknown>;
  const id = request.predictionIds[rowIndex]!;
  const requestId = request.predictionIds[0]!;
  const values = new Array<unknown>(inputs.length);
  for (let i = 0; i < inputs.length; i++) values[i] = row[inputs[i]!.name];
  return JSON.stringify([
    id,
    requestId === id ? null : requestId,
    rowIndex,
    request.correlationIds?.[rowIndex] ?? null,
    Math.round(request.latencyMs * 1000) / 1000,
    request.predictedAtMs,
    values,
    request.predictions[rowIndex],
  ]);
}

/**
 * One flushed batch as the `batch` field of a stream entry (contracts/prediction-capture.ts, CaptureBatch): each
 * group's header written once, then its rows and its whole requests (already serialised), groups in the order their
 * first entry came.
 */
export function captureBatchJson(batch: readonly PendingCapture[]): string {
  const groups = new Map<CaptureGroup, { rows: string[]; requests: string[] }>();
  for (const { group, json, whole } of batch) {
    let parts = groups.get(group);
    if (!parts) groups.set(group, (parts = { rows: [], requests: [] }));
    (whole ? parts.requests : parts.rows).push(json);
  }
  const written: string[] = [];
  for (const [group, { rows, requests }] of groups) {
    const whole = requests.length > 0 ? `,"requests":[${requests.join(",")}]` : "";
    written.push(`${group.headJson}"rows":[${rows.join(",")}]${whole}}`);
  }
  return `{"groups":[${written.join(",")}]}`;
}

/**
 * A request captured whole as a CaptureBatchRequest in JSON: the latency, the time, and the request and response
 * texts the serving thread already had, joined in as they are (both are JSON: the request's was parsed before it was
 * served, the response's written by JSON.stringify). Nothing is formatted or escaped here: escaping the two texts as
 * JSON strings cost ~1.7 µs a request, more than everything else capture does.
 */
export function captureRequestJson(request: CapturedRequest, texts: CapturedTexts): string {
  return `[${Math.round(request.latencyMs * 1000) / 1000},${request.predictedAtMs},${texts.request},${texts.response}]`;
}

/** The request body as received and the response body as sent. */
export type CapturedTexts = { request: string; response: string };
