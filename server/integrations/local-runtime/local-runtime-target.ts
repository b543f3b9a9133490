import { TRAFFIC_SHIFTING } from "@/server/integrations/targets/traffic-shifting";
import { setTimeout as sleep } from "node:timers/promises";
import type {
  DeploymentTarget,
  EndpointSpec,
  EndpointState,
  RolloutStrategy,
  VariantSizing,
  VariantSpec,
} from "@/server/integrations/targets/deployment-target";
import { localRuntimeConfigSchema, type LocalRuntimeConfig } from "@/server/integrations/local-runtime/config";
import { versionVariantName } from "@/server/integrations/targets/variant-name";
import { toEndpointState, toRuntimeEndpoint } from "@/server/integrations/local-runtime/endpoint-mapping";
import { LocalRuntimeError, RuntimeControlClient } from "@/server/integrations/local-runtime/runtime-control-client";

/** The price-table name of the local runtime's CPU (see the pricing seed); the runtime's own default too. */
export const LOCAL_INSTANCE_TYPE = "local-cpu";

/**
 * The embedded local runtime as a deployment target. A PUT returns once every new variant is loaded, so `apply`
 * answers a settled state; traffic shifting is done by the caller through `setWeights` (the rollout option is not
 * used: the runtime has no native canary).
 */
export class LocalRuntimeTarget implements DeploymentTarget {
  readonly kind = "local" as const;
  readonly trafficShifting = TRAFFIC_SHIFTING.LOCAL;
  readonly settleTimeoutMs: number;
  readonly client: RuntimeControlClient;
  private readonly predictKey: string | undefined;

  constructor(config: LocalRuntimeConfig) {
    this.client = new RuntimeControlClient(config);
    const parsed = localRuntimeConfigSchema.parse(config);
    this.settleTimeoutMs = parsed.settleTimeoutMs;
    this.predictKey = parsed.predictKey;
  }

  variantName(modelName: string, version: number) {
    return versionVariantName(modelName, version);
  }

  sizing(variant: VariantSpec): VariantSizing {
    return { instanceType: variant.instanceType ?? LOCAL_INSTANCE_TYPE, instanceCount: variant.instanceCount ?? 1 };
  }

  async apply(spec: EndpointSpec, _options?: { rollout?: RolloutStrategy }): Promise<EndpointState> {
    const view = await this.client.putEndpoint(spec.endpointName, toRuntimeEndpoint(spec, this.predictKey));
    return toEndpointState(spec.endpointName, view);
  }

  async setWeights(endpointName: string, weights: Record<string, number>): Promise<EndpointState> {
    const view = await this.client.patchWeights(endpointName, weights);
    if (!view) throw new LocalRuntimeError(`The local runtime has no endpoint "${endpointName}"`, 404, false);
    return toEndpointState(endpointName, view);
  }

  async describe(endpointName: string): Promise<EndpointState> {
    return toEndpointState(endpointName, await this.client.getEndpoint(endpointName));
  }

  async waitUntilSettled(
    endpointName: string,
    options: { timeoutMs: number; pollMs?: number; signal?: AbortSignal },
  ): Promise<EndpointState> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const state = await this.describe(endpointName);
      if (state.status === "healthy" || state.status === "failed" || Date.now() >= deadline) return state;
      await sleep(Math.min(options.pollMs ?? 250, Math.max(0, deadline - Date.now())), undefined, {
        signal: options.signal,
      });
    }
  }

  async delete(endpointName: string): Promise<void> {
    await this.client.deleteEndpoint(endpointName);
  }
}
