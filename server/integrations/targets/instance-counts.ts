/**
 * What a target reports running for one variant of an endpoint right now, for cost: SageMaker's
 * `CurrentInstanceCount` (with the instance type from the endpoint config), Kubernetes' ready replicas (with the
 * instance type the Deployment was rendered with). The local runtime exports its own gauge and is not read this way.
 */
export type LiveVariantInstances = { variantName: string; instanceType: string; instances: number };

/** A target that can say how many instances each variant of an endpoint runs; an absent endpoint has none. */
export interface InstanceCountSource {
  readInstances(endpointName: string): Promise<LiveVariantInstances[]>;
}

export function isInstanceCountSource(target: object): target is InstanceCountSource {
  return "readInstances" in target && typeof target.readInstances === "function";
}
