import type { CaptureBatchGroup, CaptureBatchRow } from "@/contracts/prediction-capture";
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
 * One captured row waiting for the flusher: its group and the row as a CaptureBatchRow, holding the request's values
 * (not copied: the caller's row values and the prediction object are shared with the request).
 */
export type PendingRow = { group: CaptureGroup; row: CaptureBatchRow };

/** A batch grouped but not yet serialised: what the sink (on the capture thread) turns into the entry's JSON. */
export type CaptureBatchParts = Array<{ headJson: string; rows: CaptureBatchRow[] }>;

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
 * One captured row as a CaptureBatchRow (contracts/prediction-capture.ts): [id, requestId or null, rowIndex,
 * correlationId or null, latencyMs, predictedAtMs, the inputs' values in the group's order, the outputs]. Inputs are the
 * caller's values of the signature's inputs, as sent and validated: a string feature such as "01001" stays a string.
 * The latency is kept to the microsecond (fewer digits to format).
 */
export function captureRow(request: CapturedRequest, rowIndex: number): CaptureBatchRow {
  const { inputs } = request;
  const row = request.rows[rowIndex] as Record<string, unknown>;
  const id = request.predictionIds[rowIndex]!;
  const requestId = request.predictionIds[0]!;
  const values = new Array<unknown>(inputs.length);
  for (let i = 0; i < inputs.length; i++) values[i] = row[inputs[i]!.name];
  return [
    id,
    requestId === id ? null : requestId,
    rowIndex,
    request.correlationIds?.[rowIndex] ?? null,
    Math.round(request.latencyMs * 1000) / 1000,
    request.predictedAtMs,
    values,
    request.predictions[rowIndex],
  ];
}

/** Groups a batch's rows (groups in the order their first row came), without serialising anything. */
export function captureBatchParts(batch: readonly PendingRow[]): CaptureBatchParts {
  const groups = new Map<CaptureGroup, CaptureBatchRow[]>();
  for (const { group, row } of batch) {
    const rows = groups.get(group);
    if (rows) rows.push(row);
    else groups.set(group, [row]);
  }
  return [...groups].map(([group, rows]) => ({ headJson: group.headJson, rows }));
}

/**
 * A grouped batch as the `batch` field of a stream entry (contracts/prediction-capture.ts, CaptureBatch): each group's
 * header written once, then its rows. This is where capture's CPU goes (most of it formatting the floating-point
 * features and outputs), so the runtime runs it on its capture thread, off the HTTP thread (capture-thread.ts).
 */
export function captureBatchPartsJson(parts: CaptureBatchParts): string {
  return `{"groups":[${parts.map(({ headJson, rows }) => `${headJson}"rows":${JSON.stringify(rows)}}`).join(",")}]}`;
}

/** One flushed batch as the `batch` field of a stream entry, in one step. */
export function captureBatchJson(batch: readonly PendingRow[]): string {
  return captureBatchPartsJson(captureBatchParts(batch));
}
