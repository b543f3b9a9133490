import type { CaptureBatchGroup } from "@/contracts/prediction-capture";
import type { CapturedRequest } from "@/runtime/capture/capture-buffer";
import type { ArenaPool, ByteArena } from "@/runtime/capture/byte-arena";

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
  /** Rows of a shadow variant's mirrored requests (counted apart from live rows, see CaptureCounts). */
  readonly shadow: boolean;
  /** The group's header as JSON (UTF-8) up to where `"rows":[` follows: `{"endpoint":…,"inputs":[…],`. */
  readonly headBytes: Buffer;
};

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
    const key = `${request.mirrorOf ? "shadow" : "live"}\n${request.endpoint}\n${request.variant}\n${request.modelName ?? ""}\n${request.modelVersion ?? ""}\n${request.captureProbability}\n${request.inputs.map((input) => input.name).join("\n")}`;
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
  group.captureProbability === r.captureProbability &&
  group.shadow === (r.mirrorOf !== undefined);

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
    shadow: request.mirrorOf !== undefined,
    headBytes: Buffer.from(JSON.stringify(header).slice(0, -1) + ","),
  };
}

/**
 * One captured row as a CaptureBatchRow in JSON (contracts/prediction-capture.ts): [id, requestId or null, rowIndex,
 * correlationId or null, latencyMs, predictedAtMs, the inputs' values in the group's order, the outputs, and a shadow
 * row's mirrorOf]. Written (as
 * bytes) when the row is offered, so the buffer holds no reference to the request's objects.
 * Inputs are the caller's values of the signature's inputs, as sent and validated: a string feature such as "01001"
 * stays a string. The latency is kept to the microsecond (fewer digits to format).
 * One JSON.stringify of a short array on purpose: a row concatenated by hand from pieces measured slower. Most of the cost
 * is formatting the floating-point features and outputs (~half of it), which any JSON form of the values pays.
 */
export function captureRowJson(request: CapturedRequest, rowIndex: number): string {
  const { inputs } = request;
  const row = request.rows[rowIndex] as Record<string, unknown>;
  const id = request.predictionIds[rowIndex]!;
  const requestId = request.predictionIds[0]!;
  const values = new Array<unknown>(inputs.length);
  for (let i = 0; i < inputs.length; i++) values[i] = row[inputs[i]!.name];
  const fields: unknown[] = [
    id,
    requestId === id ? null : requestId,
    rowIndex,
    request.correlationIds?.[rowIndex] ?? null,
    Math.round(request.latencyMs * 1000) / 1000,
    request.predictedAtMs,
    values,
    request.predictions[rowIndex],
  ];
  if (request.mirrorOf) fields.push(request.mirrorOf[rowIndex]);
  return JSON.stringify(fields);
}

/**
 * The request body as received and the response body as sent (both JSON in UTF-8). Only the response's
 * `"predictionIds":…,"predictions":…}` is captured — it starts at byte `capturedFrom` (predict.ts writes those two
 * fields last): the endpoint, variant and model it repeats are the batch group's already.
 */
export type CapturedTexts = { request: Uint8Array; response: Uint8Array; capturedFrom: number };

type GroupEntries = { rows: ByteArena | undefined; requests: ByteArena | undefined; rowCount: number };

const ascii = (text: string) => Buffer.from(text, "latin1");
const BATCH_OPEN = ascii('{"groups":[');
const ROWS_OPEN = ascii('"rows":[');
const REQUESTS_OPEN = ascii(',"requests":[');
const COMMA = ascii(",");
const ARRAY_CLOSE = ascii("]");
const GROUP_CLOSE = ascii("}");
const BATCH_CLOSE = ascii("]}");

/**
 * One stream entry being filled (contracts/prediction-capture.ts, CaptureBatch): each group's rows and whole
 * requests written as bytes when they are offered, the group's header once when the batch is sent. Groups come in the
 * order of their first entry. An entry that would take a non-empty batch past `maxBytes` is refused (nothing of it
 * kept), so a batch is at most `maxBytes` unless its one entry is larger.
 */
export class PendingBatch {
  private readonly groups = new Map<CaptureGroup, GroupEntries>();
  rows = 0;
  bytes = 0;

  private output: ByteArena | undefined;

  constructor(
    private readonly maxBytes: number,
    private readonly pool: ArenaPool,
  ) {}

  /** Adds one captured row (its CaptureBatchRow JSON); false when it does not fit. */
  addRow(group: CaptureGroup, json: string): boolean {
    const entries = this.entriesOf(group);
    const arena = (entries.rows ??= this.pool.get());
    const before = arena.length;
    if (before > 0) arena.writeAscii(",");
    arena.writeText(json);
    return this.kept(group, entries, arena, before, 1);
  }

  /**
   * Adds a request captured whole as a CaptureBatchRequest: the latency, the time, and the request and response
   * bytes joined in as they are (both are JSON: the request's was parsed before it was served, the response's
   * written by JSON.stringify). Nothing is formatted or escaped: escaping the texts as JSON strings cost more than
   * everything else capture does. False when it does not fit.
   */
  addRequest(group: CaptureGroup, request: CapturedRequest, texts: CapturedTexts): boolean {
    const entries = this.entriesOf(group);
    const arena = (entries.requests ??= this.pool.get());
    const before = arena.length;
    arena.writeAscii(before > 0 ? ",[" : "[");
    arena.writeThousandths(Math.round(Math.max(0, request.latencyMs) * 1000));
    arena.writeAscii(",");
    arena.writeInteger(request.predictedAtMs);
    arena.writeAscii(",");
    arena.writeBytes(texts.request);
    arena.writeAscii(",");
    arena.writeAscii("{");
    arena.writeBytes(texts.response, texts.capturedFrom);
    arena.writeAscii("]");
    return this.kept(group, entries, arena, before, request.predictions.length);
  }

  private entriesOf(group: CaptureGroup): GroupEntries {
    let entries = this.groups.get(group);
    if (!entries) this.groups.set(group, (entries = { rows: undefined, requests: undefined, rowCount: 0 }));
    return entries;
  }

  private kept(group: CaptureGroup, entries: GroupEntries, arena: ByteArena, before: number, rows: number): boolean {
    const added = arena.length - before;
    if (this.rows > 0 && this.bytes + added > this.maxBytes) {
      arena.truncate(before);
      if (entries.rowCount === 0) {
        this.groups.delete(group);
        this.releaseEntries(entries);
      }
      return false;
    }
    entries.rowCount += rows;
    this.rows += rows;
    this.bytes += added;
    return true;
  }

  /**
   * Rows per group, for counting their outcome once the batch is written or dropped: by endpoint, and for a shadow's
   * rows by its variant too (CaptureCounts keeps them apart from live rows).
   */
  rowsByGroup(): Array<{ endpoint: string; shadowVariant: string | undefined; rows: number }> {
    return [...this.groups].map(([group, entries]) => ({
      endpoint: group.endpoint,
      shadowVariant: group.shadow ? group.variant : undefined,
      rows: entries.rowCount,
    }));
  }

  /**
   * The batch as the `batch` field of a stream entry: the groups' headers around the bytes already written. A view
   * into the batch's memory: valid until `release()`.
   */
  toBytes(): Buffer {
    const out = (this.output ??= this.pool.get());
    out.truncate(0);
    out.writeBytes(BATCH_OPEN);
    let first = true;
    for (const [group, entries] of this.groups) {
      if (!first) out.writeBytes(COMMA);
      first = false;
      out.writeBytes(group.headBytes);
      out.writeBytes(ROWS_OPEN);
      if (entries.rows) out.writeBytes(entries.rows.bytes());
      out.writeBytes(ARRAY_CLOSE);
      if (entries.requests) {
        out.writeBytes(REQUESTS_OPEN);
        out.writeBytes(entries.requests.bytes());
        out.writeBytes(ARRAY_CLOSE);
      }
      out.writeBytes(GROUP_CLOSE);
    }
    out.writeBytes(BATCH_CLOSE);
    return out.bytes();
  }

  /** Gives the batch's memory back to the pool; the batch is not used after it. */
  release() {
    for (const entries of this.groups.values()) this.releaseEntries(entries);
    this.groups.clear();
    if (this.output) this.pool.release(this.output);
    this.output = undefined;
  }

  private releaseEntries(entries: GroupEntries) {
    if (entries.rows) this.pool.release(entries.rows);
    if (entries.requests) this.pool.release(entries.requests);
  }
}
