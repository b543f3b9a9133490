import { z } from "zod";

const booleanFlag = z
  .enum(["0", "1", "true", "false"])
  .optional()
  .transform((v) => v === "1" || v === "true");

const schema = z.object({
  DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:5432/modelport"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  NEXTAUTH_URL: z.string().url().optional(),
  NEXTAUTH_SECRET: z.string().min(16).default("modelport-local-development-secret-change-me"),
  /** Enables the development sign-in with seeded users. Never set it in production. */
  MODELPORT_DEV_LOGIN: booleanFlag,
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  ARTIFACT_ROOT: z.string().default(".data/artifacts"),
  ARTIFACT_MAX_BYTES: z.coerce.number().int().positive().default(512 * 1024 * 1024),
  QUEUE_PREFIX: z.string().default("modelport"),
  /** How long a worker holds a job's lock between renewals; a crashed worker's job is taken over after it lapses. */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1000).default(60_000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

/** Validated environment, parsed on first use so tests can set variables before importing. */
export function env(): Env {
  cached ??= schema.parse(process.env);
  return cached;
}
