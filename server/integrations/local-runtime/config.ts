import { z } from "zod";

export const localRuntimeConfigSchema = z.object({
  /** Where the runtime listens, e.g. http://127.0.0.1:8500. */
  baseUrl: z.url().transform((url) => url.replace(/\/+$/, "")),
  controlToken: z.string().min(16, "The runtime's control token (RUNTIME_CONTROL_TOKEN) has at least 16 characters"),
  /**
   * RUNTIME_PREDICT_KEY: when set, every endpoint the portal deploys to the runtime requires this key on predictions
   * (the runtime gets only its sha256), and the portal's own predictions send it. Unset: predictions need no key.
   */
  predictKey: z.string().min(32, "RUNTIME_PREDICT_KEY has at least 32 characters").optional(),
  /** RUNTIME_METRICS_TOKEN: the bearer token the runtime's /metrics requires, when it requires one. */
  metricsToken: z.string().min(16).optional(),
  /** Per control call; loading a large model happens inside a PUT, so this is generous. */
  requestTimeoutMs: z.number().int().positive().default(60_000),
  /** How long a deployment waits for the runtime's endpoint to settle after a change. */
  settleTimeoutMs: z.number().int().positive().default(120_000),
});

export type LocalRuntimeConfig = z.input<typeof localRuntimeConfigSchema>;

/**
 * RUNTIME_URL (or http://127.0.0.1:RUNTIME_PORT), RUNTIME_CONTROL_TOKEN and RUNTIME_METRICS_TOKEN, as the runtime
 * itself reads them, and RUNTIME_PREDICT_KEY (the portal's predict key for the endpoints it deploys).
 */
export function localRuntimeConfigFromEnv(env: Record<string, string | undefined> = process.env): LocalRuntimeConfig {
  return {
    baseUrl: env.RUNTIME_URL ?? `http://127.0.0.1:${env.RUNTIME_PORT ?? "8500"}`,
    controlToken: env.RUNTIME_CONTROL_TOKEN ?? "",
    predictKey: env.RUNTIME_PREDICT_KEY || undefined,
    metricsToken: env.RUNTIME_METRICS_TOKEN || undefined,
  };
}
