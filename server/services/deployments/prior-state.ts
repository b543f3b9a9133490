import { z } from "zod";
import type { DeploymentTarget } from "@/server/integrations/targets/deployment-target";

const priorVariantSchema = z.object({
  versionId: z.string(),
  variantName: z.string(),
  weight: z.number().int(),
  instanceType: z.string(),
  instanceCount: z.number().int(),
});

/**
 * What an endpoint served before a deployment changed anything: recorded once, as the deployment's first step, and
 * restored exactly by its rollback. `existed` is the target's word: an endpoint the target did not have is deleted by
 * the rollback, because then everything on it was created by this deployment.
 */
export const priorStateSchema = z.object({
  existed: z.boolean(),
  targetStatus: z.string(),
  variants: z.array(priorVariantSchema),
});

export type PriorState = z.infer<typeof priorStateSchema>;
export type PriorVariant = z.infer<typeof priorVariantSchema>;

/** The endpoint's variants as the portal recorded them, and whether the target has the endpoint at all. */
export async function capturePriorState(
  target: DeploymentTarget,
  endpointName: string,
  recorded: PriorVariant[],
): Promise<PriorState> {
  const state = await target.describe(endpointName);
  const existed = state.status !== "absent";
  return {
    existed,
    targetStatus: state.status,
    variants: existed
      ? recorded.map(({ versionId, variantName, weight, instanceType, instanceCount }) => ({
          versionId,
          variantName,
          weight,
          instanceType,
          instanceCount,
        }))
      : [],
  };
}
