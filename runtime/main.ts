import { runtimeConfigFromEnv } from "@/runtime/config";
import { createRuntimeServer } from "@/runtime/http/server";
import { WorkerPool } from "@/runtime/inference/worker-pool";
import { createRuntimeMetrics } from "@/runtime/metrics";
import { EndpointRegistry } from "@/runtime/serving/endpoint-registry";
import { loadState, saveState } from "@/runtime/state-file";
import { startCapture } from "@/runtime/capture/capture-pipeline";
import { openFeatureStores } from "@/runtime/features/feature-stores";
import { isStandalone, standaloneModel } from "@/runtime/standalone";
import { errorMessage } from "@/lib/error-message";
import { log } from "@/runtime/logger";

// The local model runtime: `npx tsx runtime/main.ts`. Serves ONNX models over HTTP on RUNTIME_HOST:RUNTIME_PORT
// (127.0.0.1:8500), with inference in worker threads and a control API guarded by RUNTIME_CONTROL_TOKEN. Standalone
// (MODELPORT_MODEL_PATH or MODELPORT_MODEL_URL set, as in the serving image): one model from its settings on
// 0.0.0.0:$PORT, no control API (runtime/standalone.ts).
const config = runtimeConfigFromEnv();
const metrics = createRuntimeMetrics();
const pool = new WorkerPool(config.inferenceThreads);
const capture = startCapture(config.capture, metrics);
const featureStores = openFeatureStores(config.features);
if (featureStores) metrics.featureBreakerReader.read = () => (featureStores.breaker.state === "closed" ? 0 : 1);

let saving = Promise.resolve();
const persist = () => {
  const { stateFile } = config;
  if (!stateFile) return;
  const snapshot = registry.snapshot();
  saving = saving
    .then(() => saveState(stateFile, snapshot))
    .catch((error: unknown) => log().error({ err: error }, "Could not save the runtime state"));
};
const registry = new EndpointRegistry(pool, metrics, persist, {
  modelMemoryBudgetBytes: config.modelMemoryBudgetBytes,
  minIdleMsBeforeEviction: config.modelMinIdleMs,
});

const standalone = isStandalone(process.env);
let restoring = Boolean(config.stateFile) || standalone;
let soleEndpoint: string | undefined;
const server = createRuntimeServer({
  registry,
  pool,
  metrics,
  controlToken: config.controlToken,
  metricsToken: config.metricsToken,
  restoring: () => restoring,
  capturer: capture.capturer,
  featureStores,
  ...(standalone && { soleEndpoint: () => soleEndpoint }),
});
server.listen(config.port, config.host, () => {
  const captureNote = capture.capturer.enabled
    ? `capture to Redis stream "${config.capture.streamKey}"`
    : "capture off";
  log().info(
    `Model runtime listening on http://${config.host}:${config.port} with ${pool.size} inference threads, ${captureNote}`,
  );
});

if (standalone) {
  const model = await standaloneModel(process.env).catch((error: unknown) => {
    log().error(`Cannot serve the model: ${errorMessage(error)}`);
    process.exit(1);
  });
  await registry.apply(model.endpointName, model.config).catch((error: unknown) => {
    log().error(`Cannot load the model: ${errorMessage(error)}`);
    process.exit(1);
  });
  restoring = false;
  soleEndpoint = model.endpointName;
  log().info(`Serving ${model.endpointName} at /v1/endpoints/${model.endpointName}/predict and /invocations`);
}

if (config.stateFile) {
  const saved = await loadState(config.stateFile);
  for (const [name, endpoint] of Object.entries(saved)) {
    await registry
      .apply(name, endpoint)
      .catch((error: unknown) => log().error({ err: error }, `Could not restore endpoint "${name}"`));
  }
  restoring = false;
}

const shutdown = (signal: string) => {
  log().info(`${signal}: stopping the model runtime`);
  server.close();
  server.closeIdleConnections();
  void saving
    .then(() => capture.stop())
    .then(() => Promise.all([featureStores?.hot?.close(), featureStores?.cold?.close()]))
    .then(() => pool.close())
    .then(() => process.exit(0));
};
process.once("SIGTERM", () => shutdown("SIGTERM"));
process.once("SIGINT", () => shutdown("SIGINT"));
