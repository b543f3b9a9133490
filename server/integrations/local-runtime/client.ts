import type { LocalRuntimeConfig } from "@/server/integrations/local-runtime/config";
import { RuntimeControlClient } from "@/server/integrations/local-runtime/runtime-control-client";
import { requestIdHeader } from "@/server/logging/outgoing";

/**
 * The local model runtime as the portal reaches it: where it serves predictions and metrics, and its control API.
 * The control client is built on first use, so a process without the control token can still send predictions.
 */
export type LocalRuntimeClient = {
  baseUrl: string;
  config: LocalRuntimeConfig;
  control: () => RuntimeControlClient;
  /** POSTs rows to an endpoint's predict route as a client would (with the predict key when one is set). */
  predict: (endpointName: string, rows: readonly unknown[], timeoutMs: number) => Promise<Response>;
};

export function localRuntimeClient(config: LocalRuntimeConfig): LocalRuntimeClient {
  let control: RuntimeControlClient | undefined;
  const baseUrl = config.baseUrl.replace(/\/+$/, "");
  return {
    baseUrl,
    config,
    control: () => (control ??= new RuntimeControlClient(config)),
    predict: (endpointName, rows, timeoutMs) =>
      fetch(`${baseUrl}/v1/endpoints/${encodeURIComponent(endpointName)}/predict`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(config.predictKey && { authorization: `Bearer ${config.predictKey}` }),
          ...requestIdHeader(),
        },
        body: JSON.stringify({ rows }),
        signal: AbortSignal.timeout(timeoutMs),
      }),
  };
}
