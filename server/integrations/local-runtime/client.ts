import type { LocalRuntimeConfig } from "@/server/integrations/local-runtime/config";
import { RuntimeControlClient } from "@/server/integrations/local-runtime/runtime-control-client";
import { requestIdHeader } from "@/server/logging/outgoing";
import { invocationHeaders, INVOCATIONS_CONTENT_TYPE, type InvocationOptions } from "@/contracts/runtime-invocations";

/** What the portal asks the runtime to explain: rows as for predict, optionally with the variant that served them. */
export type ExplainRequestBody = { rows: readonly unknown[]; variant?: string };

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
  /** POSTs CSV records to an endpoint's invocations route (contracts/runtime-invocations.ts): batch jobs' protocol. */
  invokeCsv: (
    endpointName: string,
    records: Uint8Array<ArrayBuffer>,
    options: InvocationOptions,
    timeoutMs: number,
  ) => Promise<Response>;
  /** POSTs rows to an endpoint's explain route; the runtime guards it with the predict key, like predict. */
  explain: (endpointName: string, body: ExplainRequestBody, timeoutMs: number) => Promise<Response>;
};

export function localRuntimeClient(config: LocalRuntimeConfig): LocalRuntimeClient {
  let control: RuntimeControlClient | undefined;
  const baseUrl = config.baseUrl.replace(/\/+$/, "");
  const postToEndpoint = (
    endpointName: string,
    route: "predict" | "explain" | "invocations",
    body: string | Uint8Array<ArrayBuffer>,
    timeoutMs: number,
    headers: Record<string, string> = { "content-type": "application/json" },
  ) =>
    fetch(`${baseUrl}/v1/endpoints/${encodeURIComponent(endpointName)}/${route}`, {
      method: "POST",
      headers: {
        ...headers,
        ...(config.predictKey && { authorization: `Bearer ${config.predictKey}` }),
        ...requestIdHeader(),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  return {
    baseUrl,
    config,
    control: () => (control ??= new RuntimeControlClient(config)),
    predict: (endpointName, rows, timeoutMs) =>
      postToEndpoint(endpointName, "predict", JSON.stringify({ rows }), timeoutMs),
    invokeCsv: (endpointName, records, options, timeoutMs) =>
      postToEndpoint(endpointName, "invocations", records, timeoutMs, {
        "content-type": INVOCATIONS_CONTENT_TYPE,
        ...invocationHeaders(options),
      }),
    explain: (endpointName, body, timeoutMs) =>
      postToEndpoint(endpointName, "explain", JSON.stringify(body), timeoutMs),
  };
}
