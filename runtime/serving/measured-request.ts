import { RuntimeError } from "@/runtime/errors";
import type { RuntimeMetrics } from "@/runtime/metrics";

type VariantInstruments = ReturnType<RuntimeMetrics["forVariant"]>;

/** What a request being served tells its metrics: which variant serves it, once chosen. */
export type RequestTrack = { servedBy: (variantName: string) => VariantInstruments };

/**
 * Serves one request on an endpoint and records it however it ends: in flight while it runs, then counted with its
 * status and timed (a success in its variant's series, anything else by status).
 */
export async function measuredRequest<T>(
  metrics: RuntimeMetrics,
  endpointName: string,
  serve: (track: RequestTrack) => Promise<T>,
): Promise<T> {
  const started = performance.now();
  metrics.inFlightByEndpoint.enter(endpointName);
  let variantName = "";
  let instruments: VariantInstruments | undefined;
  let status = 200;
  try {
    return await serve({
      servedBy: (name) => {
        variantName = name;
        return (instruments = metrics.forVariant(endpointName, name));
      },
    });
  } catch (error) {
    status = error instanceof RuntimeError ? error.status : 500;
    throw error;
  } finally {
    metrics.inFlightByEndpoint.leave(endpointName);
    const seconds = (performance.now() - started) / 1000;
    if (instruments && status === 200) {
      instruments.ok.inc();
      instruments.latency.observe(seconds);
    } else {
      metrics.requests.inc({ endpoint: endpointName, variant: variantName, status: String(status) });
      metrics.latency.observe({ endpoint: endpointName, variant: variantName }, seconds);
    }
  }
}
