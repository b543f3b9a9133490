import { z } from "zod";
import { asyncServingSchema, type AsyncServing } from "@/contracts/async-serving";
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
 * the rollback, because then everything on it was created by this deployment. `asyncServing` is the endpoint's
 * serving mode (SageMaker's asynchronous settings, null = real time), which a promotion may change and its rollback
 * puts back; absent in deployments recorded before modes were promoted.
 */
export const priorStateSchema = z.object({
  existed: z.boolean(),
  targetStatus: z.string(),
  variants: z.array(priorVariantSchema),
  asyncServing: asyncServingSchema.nullable().optional(),
});

export type PriorState = z.infer<typeof priorStateSchema>;
export type PriorVariant = z.infer<typeof priorVariantSchema>;

/** The endpoint's variants as the portal recorded them, and whether the target has the endpoint at all. */
export async function capturePriorState(
  target: DeploymentTarget,
  endpointName: string,
  recorded: PriorVariant[],
  asyncServing: AsyncServing | null,
): Promise<PriorState> {
  const state = await target.describe(endpointName);
  const existed = state.status !== "absent";
  return {
    existed,
    targetStatus: state.status,
    asyncServing,
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
