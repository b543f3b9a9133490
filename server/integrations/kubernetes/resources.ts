import type { IResourceRequirements } from "kubernetes-models/v1";
import { badRequest } from "@/server/errors";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import type { ContainerResources, KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";

export const GPU_RESOURCE = "nvidia.com/gpu";

/** What a variant on a flavour's default resources is recorded (and priced) as, when it names no profile. */
export const DEFAULT_INSTANCE_TYPES = { ONNX: "k8s-onnx", VLLM: "k8s-vllm" } as const;

/** What the variant runs on: its named profile, else its flavour's default (how cost prices it). */
export function instanceTypeOf(variant: VariantSpec): string {
  return (
    variant.instanceType ?? (variant.format === "VLLM" ? DEFAULT_INSTANCE_TYPES.VLLM : DEFAULT_INSTANCE_TYPES.ONNX)
  );
}

const isFlavourDefault = (instanceType: string) => Object.values<string>(DEFAULT_INSTANCE_TYPES).includes(instanceType);

/**
 * The variant's `instanceType` names a configured profile; without one the flavour's defaults apply. The defaults'
 * own names ("k8s-onnx", as the sizing was recorded when the variant was added) mean the defaults too, so a variant
 * that already serves can be applied again as it was recorded.
 */
export function containerResources(
  variant: VariantSpec,
  defaults: ContainerResources,
  config: KubernetesTargetConfig,
): ContainerResources {
  if (variant.instanceType === undefined || isFlavourDefault(variant.instanceType)) return defaults;
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
