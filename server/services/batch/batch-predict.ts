import type { Prediction, PredictResponse } from "@/contracts/runtime-predict";
import type { LocalRuntimeClient } from "@/server/integrations/local-runtime/client";

const PREDICT_TIMEOUT_MS = 120_000;

/** The runtime could not answer (down, overloaded, the endpoint gone): the job is retried from its last part. */
export class BatchRuntimeError extends Error {
  override name = "BatchRuntimeError";
}

export type RowResult = { prediction: Prediction } | { error: string };

type RefusedRow = { error?: string; rowIndex?: number };

/**
 * Predicts rows on the scratch endpoint. A row the runtime refuses (400 naming its index) is answered with the
 * runtime's message and the rest are sent again without it, so one bad row never costs the others their answers.
 */
export async function predictRows(
  runtime: LocalRuntimeClient,
  endpointName: string,
  /** Each row as JSON text (featureRow). */
  rows: readonly string[],
): Promise<RowResult[]> {
  const results: RowResult[] = new Array(rows.length);
  let pending = rows.map((row, index) => ({ row, index }));
  while (pending.length > 0) {
    const response = await runtime
      .predictBody(endpointName, `{"rows":[${pending.map((p) => p.row).join(",")}]}`, PREDICT_TIMEOUT_MS)
      .catch((error: unknown) => {
        throw new BatchRuntimeError(`The local runtime did not answer: ${String(error)}`);
      });
    if (response.ok) {
      const body = (await response.json()) as PredictResponse;
      if (body.predictions.length !== pending.length)
        throw new BatchRuntimeError(`The runtime answered ${body.predictions.length} of ${pending.length} rows`);
      pending.forEach((p, i) => (results[p.index] = { prediction: body.predictions[i]! }));
      return results;
    }
    const refusal = (await response.json().catch(() => ({}))) as RefusedRow;
    const at = refusal.rowIndex;
    if (response.status !== 400 || typeof at !== "number" || !pending[at])
      throw new BatchRuntimeError(`The runtime refused a batch (${response.status}): ${refusal.error ?? "no reason"}`);
    results[pending[at]!.index] = { error: refusal.error ?? "refused by the runtime" };
    pending = pending.filter((_, i) => i !== at);
  }
  return results;
}
