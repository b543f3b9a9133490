import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { firstNumericOutput } from "@/contracts/prediction-capture";
import type { Prediction } from "@/contracts/runtime-predict";
import { RuntimeError } from "@/runtime/errors";
import type { FeatureHistogramFamily } from "@/runtime/feature-histograms";
import type { RuntimeMetrics } from "@/runtime/metrics";
import { validateRows } from "@/runtime/serving/signature-validation";
import type { Variant } from "@/runtime/serving/variant";

/**
 * Validates the rows against the variant's signature and predicts them through its batcher (and injected faults).
 * `features` (the drift histograms) is given for live traffic only: a shadow's rows are the live rows again.
 */
export async function serveVariant(
  variant: Variant,
  rows: unknown[],
  endpointName: string,
  features: FeatureHistogramFamily | undefined,
): Promise<Prediction[]> {
  const validated = validateRows(rows, variant.config.signature.inputs);
  const { errorRate, extraLatencyMs } = variant.fault;
  if (errorRate > 0 && Math.random() < errorRate) {
    throw new RuntimeError(
      500,
      `Injected fault: variant "${variant.config.variantName}" has fault injection enabled (errorRate ${errorRate})`,
    );
  }
  const predictions = await variant.batcher.submit(validated);
  features?.forVariant(endpointName, variant.config)?.observe(validated);
  // Added after inference: a request held before it would reach a variant unloaded meanwhile (a finished rollout
  // removing it) and fail, where a real slow model would already have answered.
  if (extraLatencyMs > 0) await sleep(extraLatencyMs);
  return predictions;
}

/** Counts a variant's predicted rows and observes their scores (in the live or the shadow families). */
export function countPredictions(instruments: ReturnType<RuntimeMetrics["forVariant"]>, predictions: Prediction[]) {
  for (const prediction of predictions) {
    const score = firstNumericOutput(prediction);
    if (score !== undefined) instruments.scores.observe(score);
  }
  instruments.rows.inc(predictions.length);
}

/** New prediction ids (UUIDs), one per row. */
export function newPredictionIds(count: number): string[] {
  const ids = new Array<string>(count);
  for (let i = 0; i < count; i++) ids[i] = randomUUID();
  return ids;
}
