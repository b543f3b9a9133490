import { versionVariantName } from "@/server/integrations/targets/variant-name";
import type {
  DeploymentTarget,
  EndpointSpec,
  EndpointState,
  EndpointStatus,
  VariantSizing,
  VariantSpec,
} from "@/server/integrations/targets/deployment-target";

/**
 * A deployment target that keeps endpoints in memory, for testing the deployment state machine's logic. The real
 * targets (local runtime, SageMaker, Kubernetes) have their own tests against their real protocols.
 */
export class InMemoryTarget implements DeploymentTarget {
  readonly kind = "local" as const;
  readonly trafficShifting = "stepwise" as const;
  readonly settleTimeoutMs = 1000;
  readonly endpoints = new Map<string, Record<string, number>>();
  /** Each endpoint's shadow variants and routing salt, as the last apply gave them. */
  readonly shadows = new Map<string, Set<string>>();
  readonly salts = new Map<string, string | undefined>();
  readonly calls: string[] = [];
  creates = 0;
  health: EndpointStatus = "healthy";
  failNextSetWeights: Error | null = null;
  /** Called before an apply changes anything; an error returned is thrown, as a refusing target would. */
  refuseApply: ((spec: EndpointSpec) => Error | null) | null = null;

  variantName(modelName: string, version: number) {
    return versionVariantName(modelName, version);
  }

  sizing(variant: VariantSpec): VariantSizing {
    return { instanceType: variant.instanceType ?? "in-memory", instanceCount: variant.instanceCount ?? 1 };
  }

  async apply(spec: EndpointSpec): Promise<EndpointState> {
    const refusal = this.refuseApply?.(spec);
    if (refusal) throw refusal;
    if (!this.endpoints.has(spec.endpointName)) this.creates++;
    this.endpoints.set(spec.endpointName, Object.fromEntries(spec.variants.map((v) => [v.variantName, v.weight])));
    this.shadows.set(spec.endpointName, new Set(spec.variants.filter((v) => v.shadow).map((v) => v.variantName)));
    this.salts.set(spec.endpointName, spec.routing?.salt);
    this.calls.push(
      `apply ${spec.variants.map((v) => `${v.variantName}=${v.shadow ? "shadow" : v.weight}`).join(",")}`,
    );
    return this.describe(spec.endpointName);
  }

  async setWeights(endpointName: string, weights: Record<string, number>): Promise<EndpointState> {
    if (this.failNextSetWeights) {
      const error = this.failNextSetWeights;
      this.failNextSetWeights = null;
      throw error;
    }
    const current = this.endpoints.get(endpointName);
    if (!current) throw new Error(`no endpoint ${endpointName}`);
    for (const [name, weight] of Object.entries(weights)) {
      if (!(name in current)) throw new Error(`no variant ${name}`);
      current[name] = weight;
    }
    this.calls.push(
      `weights ${Object.entries(weights)
        .map(([n, w]) => `${n}=${w}`)
        .join(",")}`,
    );
    return this.describe(endpointName);
  }

  async describe(endpointName: string): Promise<EndpointState> {
    const variants = this.endpoints.get(endpointName);
    if (!variants) return { endpointName, status: "absent", variants: [] };
    return {
      endpointName,
      status: this.health,
      message: this.health === "failed" ? "container exited with code 1" : undefined,
      variants: Object.entries(variants).map(([variantName, weight]) => ({
        variantName,
        weight,
        ready: this.health === "healthy",
        ...(this.shadows.get(endpointName)?.has(variantName) && { shadow: true }),
      })),
    };
  }

  async waitUntilSettled(endpointName: string): Promise<EndpointState> {
    return this.describe(endpointName);
  }

  async delete(endpointName: string): Promise<void> {
    this.endpoints.delete(endpointName);
    this.calls.push("delete");
  }
}
