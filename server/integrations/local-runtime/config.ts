import { z } from "zod";

export const localRuntimeConfigSchema = z.object({
  /** Where the runtime listens, e.g. http://127.0.0.1:8500. */
  baseUrl: z.url().transform((url) => url.replace(/\/+$/, "")),
  controlToken: z.string().min(16, "The runtime's control token (RUNTIME_CONTROL_TOKEN) has at least 16 characters"),
  /** Per control call; loading a large model happens inside a PUT, so this is generous. */
  requestTimeoutMs: z.number().int().positive().default(60_000),
  /** How long a deployment waits for the runtime's endpoint to settle after a change. */
  settleTimeoutMs: z.number().int().positive().default(120_000),
});

export type LocalRuntimeConfig = z.input<typeof localRuntimeConfigSchema>;

/** RUNTIME_URL (or http://127.0.0.1:RUNTIME_PORT) and RUNTIME_CONTROL_TOKEN, as the runtime itself reads them. */
export function localRuntimeConfigFromEnv(env: Record<string, string | undefined> = process.env): LocalRuntimeConfig {
  return {
    baseUrl: env.RUNTIME_URL ?? `http://127.0.0.1:${env.RUNTIME_PORT ?? "8500"}`,
    controlToken: env.RUNTIME_CONTROL_TOKEN ?? "",
  };
}
