import type { CaptureBatchGroup, CaptureBatchRow } from "@/contracts/prediction-capture";
import type { CapturedRequest, PendingRow } from "@/runtime/capture/capture-buffer";

type Group = { header: Omit<CaptureBatchGroup, "rows">; rows: string[] };

/** Rows of requests with the same key share a group header. */
const groupKey = (r: CapturedRequest) =>
  `${r.endpoint}\n${r.variant}\n${r.modelName ?? ""}\n${r.modelVersion ?? ""}\n${r.captureProbability}`;

/**
 * One flushed batch as the `batch` field of a stream entry (contracts/prediction-capture.ts, CaptureBatch): what a
 * group of rows shares is written once and each row as a short array. Inputs are the caller's values of the
 * signature's inputs, as sent and validated: a string feature such as "01001" stays a string.
 */
export function captureBatchJson(batch: readonly PendingRow[]): string {
  const groups = new Map<string, Group>();
  for (const pending of batch) {
    const { request } = pending;
    const key = groupKey(request);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { header: headerOf(request), rows: [] }));
    group.rows.push(JSON.stringify(batchRow(pending)));
  }
  const parts: string[] = [];
  for (const { header, rows } of groups.values()) {
    const head = JSON.stringify(header);
    parts.push(`${head.slice(0, -1)},"rows":[${rows.join(",")}]}`);
  }
  return `{"groups":[${parts.join(",")}]}`;
}

function headerOf(request: CapturedRequest): Group["header"] {
  return {
    endpoint: request.endpoint,
    variant: request.variant,
    modelName: request.modelName,
    modelVersion: request.modelVersion,
    captureProbability: request.captureProbability,
    inputs: request.inputs.map((input) => input.name),
  };
}

function batchRow({ request, rowIndex }: PendingRow): CaptureBatchRow {
  const row = request.rows[rowIndex] as Record<string, unknown>;
  const id = request.predictionIds[rowIndex]!;
  const requestId = request.predictionIds[0]!;
  return [
    id,
    requestId === id ? null : requestId,
    rowIndex,
    request.correlationIds?.[rowIndex] ?? null,
    request.latencyMs,
    request.predictedAtMs,
    request.inputs.map((input) => row[input.name]),
    request.predictions[rowIndex],
  ];
}
