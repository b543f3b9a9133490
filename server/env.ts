import { z } from "zod";
import { DEFAULT_FEATURE_KEY_PREFIX, featureKeyPrefixSchema } from "@/contracts/online-features";
import { DEFAULT_REST_RATE_LIMIT_PER_MINUTE } from "@/contracts/token-scopes";
import { CAPTURE_STREAM_KEY as DEFAULT_CAPTURE_STREAM_KEY } from "@/contracts/prediction-capture";
import { LOG_LEVELS } from "@/lib/json-logger";

const booleanFlag = z
  .enum(["0", "1", "true", "false"])
  .optional()
  .transform((v) => v === "1" || v === "true");

/** Secrets committed in this repository: usable in development and tests, refused in production. */
export const DEVELOPMENT_SESSION_SECRET = "modelport-local-development-secret-change-me";
export const DEVELOPMENT_ARTIFACT_URL_SECRET = "modelport-local-development-artifact-url-secret-change-me";

const schema = z.object({
  /** `next start` sets production; the portal, worker and runtime then refuse unsafe settings (server/production-safety.ts). */
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** JSON log level of every process (pino's names); PORTAL_LOG_LEVEL / WORKER_LOG_LEVEL override it per process. */
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  PORTAL_LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  WORKER_LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:5432/modelport"),
  /**
   * PostgreSQL ends a session that holds a transaction open this long without sending anything (its process frozen,
   * or stopped mid-transaction), so the rows it locked do not block every other process. Longer than Prisma's own
   * 5-second limit on a whole interactive transaction, so no live transaction is ended by it.
   */
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  NEXTAUTH_URL: z.string().url().optional(),
  /** Encrypts session cookies. Required in production (at least 32 bytes); `npm start` generates one in .data/. */
  NEXTAUTH_SECRET: z.string().min(1).optional(),
  /** Enables the development sign-in with the seeded demo users. Refused in production unless MODELPORT_LOCAL_DEMO. */
  MODELPORT_DEV_LOGIN: booleanFlag,
  /**
   * Declares a single-machine demo install (`npm start`, the browser tests): a production build that may offer the
   * development sign-in because it listens on loopback only (MODELPORT_BIND_HOST).
   */
  MODELPORT_LOCAL_DEMO: booleanFlag,
  /** The address the portal listens on; the start scripts pass it to `next start -H`. */
  MODELPORT_BIND_HOST: z.string().min(1).optional(),
  /** Use Secure session cookies even when NEXTAUTH_URL is http (e.g. behind a TLS-terminating proxy). */
  MODELPORT_SECURE_COOKIES: booleanFlag,
  /** A session ends after this long without a request, and at the latest this long after sign-in. */
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(120),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 24)
    .default(12),
  /** The local runtime's control token, checked here only for its length in production. */
  RUNTIME_CONTROL_TOKEN: z.string().optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  ARTIFACT_ROOT: z.string().default(".data/artifacts"),
  ARTIFACT_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(512 * 1024 * 1024),
  /** Where artifact bytes are kept: ARTIFACT_ROOT on this machine, or an S3 bucket (ARTIFACT_S3_*) shared by instances. */
  ARTIFACT_STORE: z.enum(["local", "s3"]).default("local"),
  ARTIFACT_S3_BUCKET: z.string().min(1).optional(),
  ARTIFACT_S3_PREFIX: z.string().default("modelport/"),
  /** An S3-compatible endpoint (MinIO, Ceph, a test server); unset for AWS itself (region: AWS_REGION). */
  ARTIFACT_S3_ENDPOINT: z.string().url().optional(),
  ARTIFACT_S3_FORCE_PATH_STYLE: booleanFlag,
  /** Verified downloads from S3 kept on this machine for a runtime that loads models from disk. */
  ARTIFACT_CACHE_DIR: z.string().default(".data/artifact-cache"),
  /**
   * Reference samples (the CSV a version's drift profile is computed from at registration) are read as a stream,
   * keeping only the model's input columns; larger ones are refused with a 413 (ten quantile bins gain nothing from
   * more rows: send a random subsample).
   */
  REFERENCE_SAMPLE_MAX_ROWS: z.coerce.number().int().min(1).max(10_000_000).default(200_000),
  REFERENCE_SAMPLE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(32 * 1024 * 1024),
  /** Signs artifact download links (Kubernetes download mode); at least 32 characters. Set a real secret in production. */
  ARTIFACT_URL_SECRET: z.string().min(32).default(DEVELOPMENT_ARTIFACT_URL_SECRET),
  /** How long a signed artifact link lasts: links are fixed per window of this length and valid one to two of them. */
  ARTIFACT_URL_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(30 * 24 * 3600),
  /** The portal's base URL as model pods reach it, for signed artifact links; NEXTAUTH_URL when unset. */
  MODELPORT_PUBLIC_URL: z.string().url().optional(),
  QUEUE_PREFIX: z.string().default("modelport"),
  /** How long a worker holds a job's lock between renewals; a crashed worker's job is taken over after it lapses. */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1000).default(60_000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
  /** A worker holds a deployment this long between renewals; another worker takes a crashed one over after it lapses. */
  DEPLOYMENT_LEASE_MS: z.coerce.number().int().min(500).default(30_000),
  /** How often the worker analyses every running A/B test (and stops harmful challengers). */
  ABTEST_WATCH_EVERY_MS: z.coerce.number().int().min(1000).default(60_000),
  /** How often the worker scans every endpoint variant for drift, and over how long a production window (5m, 1h, 1d…). */
  DRIFT_SCAN_EVERY_MS: z.coerce.number().int().min(1000).default(300_000),
  DRIFT_WINDOW: z
    .string()
    .regex(/^\d+[smhd]$/, "DRIFT_WINDOW is a duration like 30m, 1h or 1d")
    .default("1h"),
  /** The Prometheus HTTP API every dashboard reads (scripts/start.sh starts one on loopback). */
  PROMETHEUS_URL: z.string().url().default("http://127.0.0.1:9090"),
  PROMETHEUS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** How long the portal and worker share an answer for a fixed evaluation time between readers (0: never). */
  PROMETHEUS_ANSWER_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** The worker's own /metrics (job counts, queue depth). 0 (the default) picks a free port; the start scripts set one Prometheus scrapes. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Where the worker's /metrics and /healthz listen: loopback, or 0.0.0.0 in a pod that Prometheus scrapes. */
  WORKER_METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  /**
   * One worker process (a Redis lease holder) reads the SageMaker and Kubernetes instance counts from the targets this
   * often and exports them; the lease lapses after WORKER_LEADER_LEASE_MS without a renewal.
   */
  TARGET_INSTANCES_EVERY_MS: z.coerce.number().int().min(1000).default(30_000),
  WORKER_LEADER_LEASE_MS: z.coerce.number().int().min(1000).default(15_000),
  /** SageMaker's region (AWS_REGION when unset): CloudWatch there counts the SageMaker endpoints' invocations. */
  MODELPORT_SAGEMAKER_REGION: z.string().min(1).optional(),
  AWS_REGION: z.string().min(1).optional(),
  MODELPORT_SAGEMAKER_CLOUDWATCH_ENDPOINT_URL: z.string().url().optional(),
  /** Where SageMaker model data goes; the capture import runs only when it (and so the SageMaker target) is set. */
  MODELPORT_SAGEMAKER_S3_PREFIX: z.string().min(1).optional(),
  /** How often the worker imports SageMaker endpoints' data capture (JSONL in S3) into the capture stream. */
  SAGEMAKER_CAPTURE_IMPORT_EVERY_MS: z.coerce.number().int().min(1000).default(300_000),
  // Prediction capture (docs/architecture.md, "Prediction capture"): the runtime appends to this Redis Stream (its own
  // CAPTURE_STREAM_KEY, same default); the worker's loader reads it with a consumer group into PostgreSQL.
  CAPTURE_STREAM_KEY: z.string().min(1).default(DEFAULT_CAPTURE_STREAM_KEY),
  /** The loader's Redis (REDIS_URL when unset) and consumer group. */
  CAPTURE_REDIS_URL: z.string().url().optional(),
  CAPTURE_CONSUMER_GROUP: z.string().min(1).default("capture-loader"),
  /** Stream entries per read and per PostgreSQL insert. */
  CAPTURE_LOADER_BATCH: z.coerce.number().int().min(1).max(50_000).default(5_000),
  /** Entries a loader read but did not acknowledge for this long (it died) are claimed by another loader. */
  CAPTURE_CLAIM_IDLE_MS: z.coerce.number().int().min(1000).default(60_000),
  /** 0 turns the loader off in this worker process (another one loads). */
  CAPTURE_LOADER: booleanFlag.default(true),
  /** How often the retention job deletes captured rows past their endpoint's retention and drops old partitions. */
  CAPTURE_RETENTION_EVERY_MS: z.coerce.number().int().min(1000).default(3_600_000),
  // Asynchronous inference (server/services/async-inference/).
  /** The largest CSV payload POST /endpoints/{endpoint}/invocations-async takes (streamed to the store and scored in slices). */
  ASYNC_MAX_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024 * 1024),
  /** The largest JSON payload: it is parsed whole in the worker, so it is kept smaller than CSV. */
  ASYNC_MAX_JSON_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(32 * 1024 * 1024),
  /**
   * Hosts a webhook may be delivered to (comma-separated; `*.example.com` allows its subdomains); none by default, so
   * callbacks are off until an operator lists the receivers. Anything else is refused at the request and at delivery,
   * so no caller can make the worker call a service of its own network (SSRF).
   */
  ASYNC_CALLBACK_ALLOWED_HOSTS: z
    .string()
    .default("")
    .transform((list) =>
      list
        .split(",")
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    ),
  /** How long one webhook delivery may take before it counts as failed (it is retried with backoff). */
  ASYNC_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  // Online features (server/services/features/): values live in PostgreSQL and are mirrored into this Redis, which the
  // runtime reads first (its RUNTIME_FEATURE_REDIS_URL must name the same one).
  FEATURE_REDIS_URL: z.string().url().optional(),
  /** Where this deployment's hot values live in that Redis (the runtime's RUNTIME_FEATURE_KEY_PREFIX must match). */
  FEATURE_KEY_PREFIX: featureKeyPrefixSchema.default(DEFAULT_FEATURE_KEY_PREFIX),
  /** How often the worker mirrors into Redis the feature values a write could not (Redis was down). */
  FEATURE_SYNC_EVERY_MS: z.coerce.number().int().min(1000).default(10_000),
  // Rate limits (server/rate-limit/limiter.ts says what happens when Redis is down).
  /** Redis for the rate-limit counters; REDIS_URL when unset. */
  RATE_LIMIT_REDIS_URL: z.string().url().optional(),
  /**
   * Set only behind a reverse proxy that overwrites X-Forwarded-For: client IPs are then read from it. Unset, there
   * are no per-IP limits (a route handler cannot see the socket address; server/rate-limit/client-ip.ts says why).
   */
  TRUST_PROXY: booleanFlag,
  /** Requests per window per API token, unless the token carries its own limit. */
  REST_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(DEFAULT_REST_RATE_LIMIT_PER_MINUTE),
  /** Failed REST authentications per client IP per window; past it the IP is refused (429) before any lookup. */
  REST_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** The REST limits' window in seconds (60: the limits are per minute; tests shorten it). */
  REST_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Sign-in attempts (sign-in requests and callbacks) per client IP, and per email, per SIGN_IN_WINDOW_SECONDS. */
  SIGN_IN_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).default(60),
  SIGN_IN_ATTEMPTS_PER_EMAIL: z.coerce.number().int().min(1).default(10),
  SIGN_IN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(600),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

/** Validated environment, parsed on first use so tests can set variables before importing. */
export function env(): Env {
  cached ??= schema.parse(process.env);
  return cached;
}
