import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { BatchingConfig, FaultInjection, VariantConfig } from "@/contracts/runtime-control";
import { unprocessable } from "@/runtime/errors";
import type { RuntimeMetrics } from "@/runtime/metrics";
import { batchFromRows, outputsToPredictions, type WireBatch, type WireFeeds } from "@/runtime/inference/tensors";
import type { Prediction } from "@/contracts/runtime-predict";
import type { WorkerPool } from "@/runtime/inference/worker-pool";
import { DynamicBatcher } from "@/runtime/serving/batcher";
import { MirrorSlots } from "@/runtime/serving/mirror-slots";
import type { ValidatedRow } from "@/runtime/serving/signature-validation";
import { errorMessage } from "@/lib/error-message";
import { loadExplainer, type Explainer } from "@/lib/explain/explainer";

/** A loaded model version serving part of an endpoint's traffic. */
export type Variant = {
  config: VariantConfig;
  modelKey: string;
  /** The model file's size: what the runtime's memory budget counts for it. */
  modelBytes: number;
  batcher: DynamicBatcher<ValidatedRow, Prediction>;
  /** Runs rows already packed (a CSV invocation: a batch of its own, not queued with other requests). */
  runPacked: (batch: WireBatch) => Promise<WireFeeds>;
  /** Packed runs in flight, awaited before the model is unloaded. */
  packedInFlight: Set<Promise<unknown>>;
  fault: FaultInjection;
  ready: boolean;
  /** Bounds the requests mirrored to it while it is a shadow. */
  mirrors: MirrorSlots;
  /** Parsed once at load: the model's explanation structure, or why it has none (thrown again on each explain). */
  explainer: { ok: true; explainer: Explainer } | { ok: false; error: unknown };
};

/** A model that cannot be explained still serves predictions: the reason waits for the first explain request. */
function readExplainer(bytes: Uint8Array): Variant["explainer"] {
  try {
    return { ok: true, explainer: loadExplainer(bytes) };
  } catch (error) {
    return { ok: false, error };
  }
}

const NO_FAULT: FaultInjection = { errorRate: 0, extraLatencyMs: 0 };

/** Reads the model file and refuses it unless its sha256 is the one the caller vouched for. */
async function readVerifiedModel(config: VariantConfig): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(config.modelPath);
  } catch (error) {
    const reason = errorMessage(error);
    throw unprocessable(`Variant "${config.variantName}": cannot read ${config.modelPath} (${reason})`, {
      variant: config.variantName,
    });
  }
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== config.sha256) {
    throw unprocessable(
      `Variant "${config.variantName}": ${config.modelPath} has sha256 ${actual}, expected ${config.sha256}`,
      {
        variant: config.variantName,
      },
    );
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Loads the verified model into every inference thread and wires its batcher; nothing serves it yet. */
export async function loadVariant(
  endpointName: string,
  config: VariantConfig,
  batching: BatchingConfig,
  deps: { pool: WorkerPool; metrics: RuntimeMetrics },
): Promise<Variant> {
  const bytes = await readVerifiedModel(config);
  const modelKey = `${endpointName}/${config.variantName}/${config.sha256}`;
  try {
    await deps.pool.load(modelKey, bytes);
  } catch (error) {
    await deps.pool.unload(modelKey);
    const reason = errorMessage(error);
    throw unprocessable(`Variant "${config.variantName}": onnxruntime cannot load ${config.modelPath}: ${reason}`, {
      variant: config.variantName,
    });
  }
  const labels = { endpoint: endpointName, variant: config.variantName };
  const variant: Variant = {
    config,
    modelKey,
    modelBytes: bytes.byteLength,
    fault: NO_FAULT,
    ready: true,
    mirrors: new MirrorSlots(),
    explainer: readExplainer(bytes),
    packedInFlight: new Set(),
    runPacked: (batch) => {
      deps.metrics.batchSize.observe(labels, batch.rowCount);
      const running = deps.pool.run(modelKey, batch);
      const tracked = running.finally(() => variant.packedInFlight.delete(tracked));
      tracked.catch(() => undefined);
      variant.packedInFlight.add(tracked);
      return running;
    },
    batcher: new DynamicBatcher<ValidatedRow, Prediction>(
      batching,
      async (rows) => {
        const outputs = await deps.pool.run(modelKey, batchFromRows(rows, variant.config.signature.inputs));
        return outputsToPredictions(outputs, variant.config.signature.outputs, rows.length);
      },
      (size) => deps.metrics.batchSize.observe(labels, size),
    ),
  };
  return variant;
}

/** Lets queued and running batches finish, then frees the model in every thread. */
export async function unloadVariant(variant: Variant, pool: WorkerPool): Promise<void> {
  variant.ready = false;
  await Promise.all([variant.batcher.drain(), Promise.allSettled([...variant.packedInFlight])]);
  await pool.unload(variant.modelKey);
}
