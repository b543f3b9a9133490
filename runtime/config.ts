import os from "node:os";

export type RuntimeConfig = {
  host: string;
  port: number;
  controlToken: string;
  inferenceThreads: number;
  /** Where the endpoints' desired state is kept, so a restarted runtime serves them again; unset = in memory. */
  stateFile?: string;
};

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function runtimeConfigFromEnv(): RuntimeConfig {
  const controlToken = process.env.RUNTIME_CONTROL_TOKEN ?? "";
  if (controlToken.length < 16)
    throw new Error("Set RUNTIME_CONTROL_TOKEN (at least 16 characters): it guards the control API");
  return {
    host: process.env.RUNTIME_HOST ?? "127.0.0.1",
    port: positiveInteger("RUNTIME_PORT", 8500),
    controlToken,
    inferenceThreads: positiveInteger(
      "RUNTIME_INFERENCE_THREADS",
      Math.max(1, Math.min(4, os.availableParallelism() - 1)),
    ),
    stateFile: process.env.RUNTIME_STATE_FILE || undefined,
  };
}
