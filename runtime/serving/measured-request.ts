import { notFound, RuntimeError } from "@/runtime/errors";
import type { RuntimeMetrics } from "@/runtime/metrics";
import type { Endpoint, EndpointRegistry } from "@/runtime/serving/endpoint-registry";
import type { Variant } from "@/runtime/serving/variant";

type VariantInstruments = ReturnType<RuntimeMetrics["forVariant"]>;

/**
 * What a request being served tells its metrics: the live variant chosen to serve it (none: the endpoint has no
 * variant with traffic, 503), answered with that variant's instruments.
 */
export type RequestTrack = {
  servedBy: (variant: Variant | undefined) => { variant: Variant; instruments: VariantInstruments };
  /**
   * The model could not answer (with this status) though the caller gets an answer (the endpoint's fallback): the
   * request is counted as that failure, so request metrics show the model's health, not the fallback's.
   */
  unanswered: (status: number) => void;
};

/**
 * Serves one request on an endpoint and records it however it ends: an unknown endpoint is a 404; otherwise the
 * request is in flight while it runs, then counted with its status and timed (a success in its variant's series,
 * anything else by status). The endpoint is made ready to serve (woken if it was scaled to zero, else 503) before
 * `serve` starts, with no await between, so nothing can put it to sleep before the request reaches its variant.
 */
export async function measuredRequest<T>(
  registry: Pick<EndpointRegistry, "get" | "serving">,
  metrics: RuntimeMetrics,
  endpointName: string,
  serve: (endpoint: Endpoint, track: RequestTrack) => Promise<T>,
): Promise<T> {
  const endpoint = registry.get(endpointName);
  if (!endpoint) {
    metrics.requests.inc({ endpoint: "(unknown)", variant: "", status: "404" });
    throw notFound(`No endpoint named "${endpointName}"`);
  }
  const started = performance.now();
  metrics.inFlightByEndpoint.enter(endpoint.name);
  let variantName = "";
  let instruments: VariantInstruments | undefined;
  let status = 200;
  try {
    registry.serving(endpoint.name);
    return await serve(endpoint, {
      servedBy: (variant) => {
        if (!variant) throw new RuntimeError(503, `Endpoint "${endpoint.name}" has no variant with traffic`);
        variantName = variant.config.variantName;
        instruments = metrics.forVariant(endpoint.name, variantName);
        return { variant, instruments };
      },
      unanswered: (modelStatus) => {
        status = modelStatus;
      },
    });
  } catch (error) {
    status = error instanceof RuntimeError ? error.status : 500;
    throw error;
  } finally {
    metrics.inFlightByEndpoint.leave(endpoint.name);
    const seconds = (performance.now() - started) / 1000;
    if (instruments && status === 200) {
      instruments.ok.inc();
      instruments.latency.observe(seconds);
    } else {
      metrics.requests.inc({ endpoint: endpoint.name, variant: variantName, status: String(status) });
      metrics.latency.observe({ endpoint: endpoint.name, variant: variantName }, seconds);
    }
  }
}
