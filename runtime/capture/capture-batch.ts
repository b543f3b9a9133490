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

/** One captured row waiting for the flusher: its group and the row already serialised (a CaptureBatchRow as JSON). */
export type PendingRow = { group: CaptureGroup; json: string };

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
 * group's header written once, then its rows (already serialised), groups in the order their first row came.
 */
export function captureBatchJson(batch: readonly PendingRow[]): string {
  const groups = new Map<CaptureGroup, string[]>();
  for (const { group, json } of batch) {
    const rows = groups.get(group);
    if (rows) rows.push(json);
    else groups.set(group, [json]);
  }
  const parts: string[] = [];
  for (const [group, rows] of groups) parts.push(`${group.headJson}"rows":[${rows.join(",")}]}`);
  return `{"groups":[${parts.join(",")}]}`;
}
