import type { Prediction } from "@/contracts/runtime-predict";
import type { Capturer } from "@/runtime/capture/capturer";
import { RuntimeError } from "@/runtime/errors";
import type { RuntimeMetrics } from "@/runtime/metrics";
import { countPredictions, newPredictionIds, serveVariant } from "@/runtime/serving/serve";
import type { Variant } from "@/runtime/serving/variant";

/** A request a live variant has answered, as its shadows are given it. */
export type AnsweredRequest = {
  endpointName: string;
  /** The endpoint's capture rate: shadow rows are sampled at it, like live ones. */
  captureProbability: number;
  rows: unknown[];
  /** The live answer's prediction ids, by row: each shadow row's mirrorOf. */
  predictionIds: readonly string[];
};

/** Runs a mirror later: by default once the event loop has written the live answer (setImmediate). */
export type Schedule = (run: () => void) => void;
const afterTheAnswer: Schedule = (run) => void setImmediate(run);

/**
 * Mirrors an answered request to each shadow variant, after the answer has gone: the shadow validates the rows against
 * its own signature, predicts them through its own batcher (and faults), and its outcome, latency and predictions are
 * recorded under its own name; nothing of it reaches the caller, and nothing it does (throwing, a signature the rows
 * do not satisfy, slowness) reaches the live answer. A shadow at its bound of requests or rows in flight drops the request,
 * counted in modelport_runtime_shadow_dropped_total.
 */
export function mirrorToShadows(
  shadows: readonly Variant[],
  request: AnsweredRequest,
  deps: { metrics: RuntimeMetrics; capturer?: Capturer; schedule?: Schedule },
): void {
  const schedule = deps.schedule ?? afterTheAnswer;
  const rows = request.rows.length;
  for (const shadow of shadows) {
    if (!shadow.ready) continue;
    if (!shadow.mirrors.tryEnter(rows)) {
      deps.metrics.shadowDropped.inc({ endpoint: request.endpointName, variant: shadow.config.variantName });
      continue;
    }
    schedule(() => {
      void mirror(shadow, request, deps.metrics, deps.capturer)
        .catch(() => undefined)
        .finally(() => shadow.mirrors.leave(rows));
    });
  }
}

async function mirror(shadow: Variant, request: AnsweredRequest, metrics: RuntimeMetrics, capturer?: Capturer) {
  const started = performance.now();
  const predictedAtMs = Date.now();
  const endpoint = request.endpointName;
  const variant = shadow.config.variantName;
  const instruments = metrics.forShadow(endpoint, variant);
  let predictions: Prediction[];
  try {
    predictions = await serveVariant(shadow, request.rows, endpoint, undefined);
  } catch (error) {
    const status = error instanceof RuntimeError ? error.status : 500;
    metrics.shadowRequests.inc({ endpoint, variant, status: String(status) });
    instruments.latency.observe((performance.now() - started) / 1000);
    return;
  }
  const latencyMs = performance.now() - started;
  countPredictions(instruments, predictions);
  instruments.ok.inc();
  instruments.latency.observe(latencyMs / 1000);
  capturer?.capture({
    endpoint,
    variant,
    modelName: shadow.config.modelName,
    modelVersion: shadow.config.modelVersion,
    inputs: shadow.config.signature.inputs,
    rows: request.rows,
    predictions,
    predictionIds: newPredictionIds(predictions.length),
    mirrorOf: request.predictionIds,
    latencyMs,
    captureProbability: request.captureProbability,
    predictedAtMs,
  });
}
