import os from "node:os";
import { CAPTURE_STREAM_KEY } from "@/contracts/prediction-capture";
import { DEFAULT_FEATURE_KEY_PREFIX, featureKeyPrefixSchema } from "@/contracts/online-features";
import { isStandalone } from "@/runtime/standalone";
import { logLevelFrom, type LogLevel } from "@/lib/json-logger";

/** Where captured predictions go; absent = capture is off (every sampled row is counted as `capture_off`). */
export type CaptureSettings = {
  redisUrl?: string;
  streamKey: string;
  /** The most records waiting in memory for the flusher; past it new records are dropped and counted. */
  bufferRecords: number;
  /** The most records one stream entry (one XADD) holds. */
  batchRecords: number;
  /** How long the flusher lets a partial batch fill before appending it: fewer, larger XADDs under load. */
  lingerMs: number;
  /**
   * The stream is trimmed to about this many entries (XADD MAXLEN ~), so a stalled loader cannot fill Redis: an entry
   * is one flushed batch (at most MAX_ENTRY_BYTES), so Redis holds at most about this many MiB of capture; the flusher
   * appends at most ~20 entries a second (one per linger) plus one per full batch, so the default keeps roughly the
   * last 1–2 minutes of capture while the loader is down. The loader deletes what it loaded.
   */
  maxStreamLength: number;
};

/** Where endpoints with a feature lookup read stored features (contracts/online-features.ts); either may be unset. */
export type FeatureStoreSettings = {
  redisUrl?: string;
  databaseUrl?: string;
  /** The portal's FEATURE_KEY_PREFIX: where its mirror puts the hot values in Redis. */
  keyPrefix: string;
  /** Each store's reads give up after this long (Redis: the command; PostgreSQL: connect, statement and query). */
  hotTimeoutMs: number;
  coldTimeoutMs: number;
  /** Redis failures in a row that open its breaker, and how long it then stays open before one probe. */
  breakerFailures: number;
  breakerOpenMs: number;
};

export type RuntimeConfig = {
  host: string;
  port: number;
  /** Null in standalone mode (one model from its settings, runtime/standalone.ts): there is no control API. */
  controlToken: string | null;
  /** When set, GET /metrics needs `Authorization: Bearer <token>` (Prometheus sends it from a credentials file). */
  metricsToken?: string;
  inferenceThreads: number;
  /** Where the endpoints' desired state is kept, so a restarted runtime serves them again; unset = in memory. */
  stateFile?: string;
  capture: CaptureSettings;
  features: FeatureStoreSettings;
  /** The most bytes of model files kept loaded (endpoint-registry.ts: LRU eviction of scale-to-zero endpoints). */
  modelMemoryBudgetBytes?: number;
  /** How long an endpoint must have had no request before it may be evicted for room. */
  modelMinIdleMs?: number;
};

/** Production secrets carry at least 32 bytes (256 bits); development and tests may use 16. */
const PRODUCTION_SECRET_BYTES = 32;
const DEVELOPMENT_SECRET_BYTES = 16;

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** A secret from the environment, long enough for where the runtime runs. */
function requiredSecret(name: string, purpose: string): string {
  const value = process.env[name] ?? "";
  const production = process.env.NODE_ENV === "production";
  const minimum = production ? PRODUCTION_SECRET_BYTES : DEVELOPMENT_SECRET_BYTES;
  if (Buffer.byteLength(value) < minimum) {
    const where = production ? " in production (NODE_ENV=production)" : "";
    throw new Error(
      `Set ${name} to at least ${minimum} bytes${where}, e.g. \`openssl rand -hex 32\`: it guards ${purpose}`,
    );
  }
  return value;
}

const optionalSecret = (name: string, purpose: string) =>
  process.env[name] ? requiredSecret(name, purpose) : undefined;

/**
 * The runtime's settings. Standalone (a model named by MODELPORT_MODEL_PATH or MODELPORT_MODEL_URL, as in a serving
 * image): listens on 0.0.0.0:$PORT (8080) with no control API and keeps no state file.
 */
export function runtimeConfigFromEnv(): RuntimeConfig {
  const standalone = isStandalone(process.env);
  if (standalone && process.env.RUNTIME_CONTROL_TOKEN)
    throw new Error(
      "MODELPORT_MODEL_PATH/MODELPORT_MODEL_URL start a runtime serving one model with no control API, RUNTIME_CONTROL_TOKEN one driven by the portal: set one or the other",
    );
  return {
    host: process.env.RUNTIME_HOST ?? (standalone ? "0.0.0.0" : "127.0.0.1"),
    port: standalone ? positiveInteger("PORT", 8080) : positiveInteger("RUNTIME_PORT", 8500),
    controlToken: standalone ? null : requiredSecret("RUNTIME_CONTROL_TOKEN", "the control API"),
    metricsToken: optionalSecret("RUNTIME_METRICS_TOKEN", "GET /metrics"),
    inferenceThreads: positiveInteger(
      "RUNTIME_INFERENCE_THREADS",
      Math.max(1, Math.min(4, os.availableParallelism() - 1)),
    ),
    stateFile: (!standalone && process.env.RUNTIME_STATE_FILE) || undefined,
    modelMemoryBudgetBytes: process.env.RUNTIME_MODEL_MEMORY_BUDGET_BYTES
      ? positiveInteger("RUNTIME_MODEL_MEMORY_BUDGET_BYTES", 1)
      : undefined,
    modelMinIdleMs: process.env.RUNTIME_MODEL_MIN_IDLE_MS ? positiveInteger("RUNTIME_MODEL_MIN_IDLE_MS", 1) : undefined,
    capture: {
      redisUrl: process.env.RUNTIME_CAPTURE_REDIS_URL || undefined,
      streamKey: process.env.CAPTURE_STREAM_KEY || CAPTURE_STREAM_KEY,
      bufferRecords: positiveInteger("RUNTIME_CAPTURE_BUFFER_RECORDS", 50_000),
      batchRecords: positiveInteger("RUNTIME_CAPTURE_BATCH_RECORDS", 1_000),
      lingerMs: positiveInteger("RUNTIME_CAPTURE_LINGER_MS", 50),
      maxStreamLength: positiveInteger("RUNTIME_CAPTURE_MAX_STREAM_LENGTH", 2_000),
    },
    features: {
      redisUrl: process.env.RUNTIME_FEATURE_REDIS_URL || undefined,
      databaseUrl: process.env.RUNTIME_FEATURE_DATABASE_URL || undefined,
      keyPrefix: featureKeyPrefix(),
      hotTimeoutMs: positiveInteger("RUNTIME_FEATURE_HOT_TIMEOUT_MS", 50),
      coldTimeoutMs: positiveInteger("RUNTIME_FEATURE_COLD_TIMEOUT_MS", 500),
      breakerFailures: positiveInteger("RUNTIME_FEATURE_BREAKER_FAILURES", 5),
      breakerOpenMs: positiveInteger("RUNTIME_FEATURE_BREAKER_OPEN_MS", 5_000),
    },
  };
}

function featureKeyPrefix(): string {
  const raw = process.env.RUNTIME_FEATURE_KEY_PREFIX || DEFAULT_FEATURE_KEY_PREFIX;
  if (!featureKeyPrefixSchema.safeParse(raw).success)
    throw new Error(`RUNTIME_FEATURE_KEY_PREFIX uses letters, digits, '_', '.' and '-'; got "${raw}"`);
  return raw;
}

/** The runtime's JSON log level: RUNTIME_LOG_LEVEL, else LOG_LEVEL, else info. */
export function runtimeLogLevel(): LogLevel {
  return logLevelFrom("RUNTIME_LOG_LEVEL", process.env.RUNTIME_LOG_LEVEL, process.env.LOG_LEVEL);
}
