import type { LocalRuntimeConfig } from "@/server/integrations/local-runtime/config";
import { RuntimeControlClient } from "@/server/integrations/local-runtime/runtime-control-client";

/**
 * The local model runtime as the portal reaches it: where it serves predictions and metrics, and its control API.
 * The control client is built on first use, so a process without the control token can still send predictions.
 */
export type LocalRuntimeClient = {
  baseUrl: string;
  config: LocalRuntimeConfig;
  control: () => RuntimeControlClient;
};

export function localRuntimeClient(config: LocalRuntimeConfig): LocalRuntimeClient {
  let control: RuntimeControlClient | undefined;
  return {
    baseUrl: config.baseUrl.replace(/\/+$/, ""),
    config,
    control: () => (control ??= new RuntimeControlClient(config)),
  };
}
