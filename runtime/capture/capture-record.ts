import type { CaptureRecord } from "@/contracts/prediction-capture";
import type { PendingRow } from "@/runtime/capture/capture-buffer";

/**
 * The stream record of one captured row (contracts/prediction-capture.ts), as JSON. Inputs are the caller's values
 * of the signature's inputs, as sent and validated: a string feature such as "01001" stays a string.
 */
export function captureRecordJson({ request, rowIndex }: PendingRow): string {
  const row = request.rows[rowIndex] as Record<string, CaptureRecord["inputs"][string]>;
  const inputs: CaptureRecord["inputs"] = {};
  for (const { name } of request.inputs) inputs[name] = row[name]!;
  const record: CaptureRecord = {
    id: request.predictionIds[rowIndex]!,
    requestId: request.predictionIds[0]!,
    rowIndex,
    endpoint: request.endpoint,
    variant: request.variant,
    modelName: request.modelName,
    modelVersion: request.modelVersion,
    correlationId: request.correlationIds?.[rowIndex],
    inputs,
    outputs: request.predictions[rowIndex]!,
    latencyMs: request.latencyMs,
    captureProbability: request.captureProbability,
    source: "RUNTIME",
    predictedAt: new Date(request.predictedAtMs).toISOString(),
  };
  return JSON.stringify(record);
}
