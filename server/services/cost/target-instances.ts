import type { ReadContext } from "@/server/services/context";

/**
 * Instances of every SageMaker and Kubernetes variant as the database records them, for the worker's
 * `modelport_target_variant_instances` gauge (those endpoints are not scraped here). Local variants are left out:
 * the runtime exports its own gauge. A variant at weight 0 still runs, so it is still billed.
 */
export async function targetVariantInstances(ctx: ReadContext) {
  const variants = await ctx.db.endpointVariant.findMany({
    where: { endpoint: { target: { not: "LOCAL" } } },
    select: {
      variantName: true,
      instanceType: true,
      instanceCount: true,
      endpoint: { select: { name: true, target: true } },
    },
  });
  return variants.map((v) => ({
    endpoint: v.endpoint.name,
    variant: v.variantName,
    instanceType: v.instanceType,
    target: v.endpoint.target.toLowerCase(),
    instances: v.instanceCount,
  }));
}
