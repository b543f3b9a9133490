import { type EndpointView, type EndpointConfigInput, type FaultInjection } from "@/contracts/runtime-control";
import type { OnlineFeatures } from "@/contracts/online-features";
import { localRuntimeConfigSchema, type LocalRuntimeConfig } from "@/server/integrations/local-runtime/config";
import { requestIdHeader } from "@/server/logging/outgoing";

/** A control API call that failed; `retryable` is false when repeating the same call cannot succeed (4xx). */
export class LocalRuntimeError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "LocalRuntimeError";
  }
}

/** The runtime's control API over HTTP (bearer token). `undefined` answers mean the endpoint does not exist. */
export class RuntimeControlClient {
  private readonly config: ReturnType<typeof localRuntimeConfigSchema.parse>;

  constructor(config: LocalRuntimeConfig) {
    this.config = localRuntimeConfigSchema.parse(config);
  }

  get baseUrl() {
    return this.config.baseUrl;
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response | undefined> {
    let response: Response;
    try {
      response = await fetch(`${this.config.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.config.controlToken}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...requestIdHeader(),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.requestTimeoutMs),
      });
    } catch (error) {
      const reason =
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new LocalRuntimeError(
        `The local runtime at ${this.config.baseUrl} did not answer ${method} ${path}: ${reason}`,
        undefined,
        true,
      );
    }
    if (response.status === 404) return undefined;
    if (!response.ok) {
      const isJson = response.headers.get("content-type")?.includes("application/json") ?? false;
      const message = isJson ? ((await response.json()) as { error?: string }).error : await response.text();
      throw new LocalRuntimeError(
        `The local runtime refused ${method} ${path} (${response.status}): ${message}`,
        response.status,
        response.status >= 500,
      );
    }
    return response;
  }

  async putEndpoint(name: string, config: EndpointConfigInput): Promise<EndpointView> {
    const response = await this.call("PUT", `/v1/control/endpoints/${encodeURIComponent(name)}`, config);
    if (!response) throw new LocalRuntimeError(`The local runtime has no control route for "${name}"`, 404, false);
    return (await response.json()) as EndpointView;
  }

  async getEndpoint(name: string): Promise<EndpointView | undefined> {
    const response = await this.call("GET", `/v1/control/endpoints/${encodeURIComponent(name)}`);
    return response ? ((await response.json()) as EndpointView) : undefined;
  }

  async patchWeights(name: string, weights: Record<string, number>): Promise<EndpointView | undefined> {
    const response = await this.call("PATCH", `/v1/control/endpoints/${encodeURIComponent(name)}/weights`, { weights });
    return response ? ((await response.json()) as EndpointView) : undefined;
  }

  /** Sets the endpoint's capture rate live; undefined when the runtime does not serve the endpoint. */
  async putCapture(name: string, rate: number): Promise<EndpointView | undefined> {
    const response = await this.call("PUT", `/v1/control/endpoints/${encodeURIComponent(name)}/capture`, { rate });
    return response ? ((await response.json()) as EndpointView) : undefined;
  }

  /** Turns scale to zero on (idle seconds) or off, in place; undefined when the runtime does not serve the endpoint. */
  async putScaleToZero(name: string, idleSeconds: number | null): Promise<EndpointView | undefined> {
    const response = await this.call("PUT", `/v1/control/endpoints/${encodeURIComponent(name)}/scale-to-zero`, {
      scaleToZero: idleSeconds === null ? null : { idleSeconds },
    });
    return response ? ((await response.json()) as EndpointView) : undefined;
  }

  /** Sets (or, with null, removes) an endpoint's online features in place; undefined when it does not serve it. */
  async putOnlineFeatures(name: string, onlineFeatures: OnlineFeatures | null): Promise<EndpointView | undefined> {
    const path = `/v1/control/endpoints/${encodeURIComponent(name)}/online-features`;
    const response = await this.call("PUT", path, { onlineFeatures });
    return response ? ((await response.json()) as EndpointView) : undefined;
  }

  /** Test-only fault injection: makes a variant fail (errorRate 0–1) or slow down on purpose. */
  async injectFault(
    name: string,
    variantName: string,
    fault: Partial<FaultInjection> & { errorRate: number },
  ): Promise<EndpointView | undefined> {
    const path = `/v1/control/endpoints/${encodeURIComponent(name)}/variants/${encodeURIComponent(variantName)}/fault-injection`;
    const response = await this.call("PUT", path, fault);
    return response ? ((await response.json()) as EndpointView) : undefined;
  }

  /** Answers false when there was nothing to delete. */
  async deleteEndpoint(name: string): Promise<boolean> {
    return (await this.call("DELETE", `/v1/control/endpoints/${encodeURIComponent(name)}`)) !== undefined;
  }
}
