import type { IResourceRequirements } from "kubernetes-models/v1";
import { badRequest } from "@/server/errors";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import type { ContainerResources, KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";

export const GPU_RESOURCE = "nvidia.com/gpu";

/** The variant's `instanceType` names a configured profile; without one the flavour's defaults apply. */
export function containerResources(
  variant: VariantSpec,
  defaults: ContainerResources,
  config: KubernetesTargetConfig,
): ContainerResources {
  if (variant.instanceType === undefined) return defaults;
  const profile = config.resourceProfiles[variant.instanceType];
  if (!profile) {
    const known = Object.keys(config.resourceProfiles).join(", ") || "none configured";
    throw badRequest(
      `Variant "${variant.variantName}": unknown instance type "${variant.instanceType}" (known: ${known})`,
    );
  }
  return profile;
}

/** Extended resources such as GPUs cannot be overcommitted: Kubernetes requires requests equal to limits. */
export function withGpus(resources: ContainerResources, gpus: number): IResourceRequirements {
  const count = String(gpus);
  return {
    requests: { ...resources.requests, [GPU_RESOURCE]: count },
    limits: { ...resources.limits, [GPU_RESOURCE]: count },
  };
}
