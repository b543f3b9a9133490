import type { Signature } from "@/contracts/signature";
import type { Prediction, PredictResponse } from "@/contracts/runtime-predict";
import type { LocalRuntimeClient } from "@/server/integrations/local-runtime/client";
import { predictKeySha256 } from "@/server/integrations/local-runtime/endpoint-mapping";
import type { FeatureValue } from "@/server/services/labels/golden-sets-hash";

export type ScratchVariant = {
  variantName: string;
  modelName: string;
  version: number;
  modelPath: string;
  sha256: string;
  signature: Signature;
};

/** Rows per predict request: well under the runtime's 10,000, so one request never holds the batcher long. */
const PREDICT_BATCH = 500;
const PREDICT_TIMEOUT_MS = 60_000;

export class ScratchPredictionError extends Error {
  override name = "ScratchPredictionError";
}

async function predictBatch(
  runtime: LocalRuntimeClient,
  endpointName: string,
  variantName: string,
  rows: readonly Record<string, FeatureValue>[],
): Promise<Prediction[]> {
  const response = await runtime.predict(endpointName, rows, PREDICT_TIMEOUT_MS);
  if (!response.ok)
    throw new ScratchPredictionError(
      `The runtime refused a golden-set prediction on ${variantName} (${response.status}): ${(await response.text()).slice(0, 500)}`,
    );
  const body = (await response.json()) as PredictResponse;
  if (body.variant !== variantName)
    throw new ScratchPredictionError(`Expected ${variantName} to answer, ${body.variant} did`);
  if (body.predictions.length !== rows.length)
    throw new ScratchPredictionError(`${variantName} answered ${body.predictions.length} of ${rows.length} rows`);
  return body.predictions;
}

/**
 * Loads variants into a scratch endpoint on the real local runtime, all weight on the first. Scratch rows are an
 * evaluation or a batch job, not production traffic: nothing of them goes to the prediction log.
 */
export async function loadScratchEndpoint(
  runtime: LocalRuntimeClient,
  endpointName: string,
  variants: readonly ScratchVariant[],
): Promise<void> {
  const predictKey = runtime.config.predictKey;
  await runtime.control().putEndpoint(endpointName, {
    variants: variants.map((variant, i) => ({
      variantName: variant.variantName,
      modelName: variant.modelName,
      modelVersion: variant.version,
      modelPath: variant.modelPath,
      sha256: variant.sha256,
      signature: variant.signature,
      weight: i === 0 ? 100 : 0,
      instanceType: "local-cpu",
      instanceCount: 1,
    })),
    capture: { rate: 0 },
    ...(predictKey && { predictKeySha256: predictKeySha256(predictKey) }),
  });
}

/**
 * Loads every variant into one scratch endpoint on the real local runtime, sends every row through each variant in
 * turn (all weight on one variant at a time, and each answer checked to come from it), and deletes the endpoint
 * whatever happens (a failed load or prediction included). Returns the predictions per variant, in row order.
 */
export async function predictOnScratchEndpoint(
  runtime: LocalRuntimeClient,
  endpointName: string,
  variants: readonly ScratchVariant[],
  rows: readonly Record<string, FeatureValue>[],
): Promise<Prediction[][]> {
  const control = runtime.control();
  try {
    await loadScratchEndpoint(runtime, endpointName, variants);
    const results: Prediction[][] = [];
    for (const [i, variant] of variants.entries()) {
      if (i > 0)
        await control.patchWeights(
          endpointName,
          Object.fromEntries(variants.map((v) => [v.variantName, v.variantName === variant.variantName ? 100 : 0])),
        );
      const predictions: Prediction[] = [];
      for (let start = 0; start < rows.length; start += PREDICT_BATCH)
        predictions.push(
          ...(await predictBatch(runtime, endpointName, variant.variantName, rows.slice(start, start + PREDICT_BATCH))),
        );
      results.push(predictions);
    }
    return results;
  } finally {
    await control.deleteEndpoint(endpointName);
  }
}
