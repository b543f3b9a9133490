import type { KubernetesObject } from "@kubernetes/client-node";
import { z } from "zod";

// The client library has no HTTPRoute type; read just the fields the target needs and reject anything else.
const routeSchema = z.object({
  spec: z.object({
    rules: z
      .array(
        z.object({
          backendRefs: z.array(z.object({ name: z.string(), weight: z.number().int().min(0).optional() })).optional(),
        }),
      )
      .optional(),
  }),
});

/** Variant name → weight from an HTTPRoute's backends; Gateway API's default weight is 1. */
export function routeWeights(route: KubernetesObject): Record<string, number> {
  const parsed = routeSchema.safeParse(route);
  if (!parsed.success)
    throw new Error(`Unexpected HTTPRoute ${route.metadata?.name ?? ""}: ${z.prettifyError(parsed.error)}`);
  const weights: Record<string, number> = {};
  for (const rule of parsed.data.spec.rules ?? []) {
    for (const backend of rule.backendRefs ?? [])
      weights[backend.name] = (weights[backend.name] ?? 0) + (backend.weight ?? 1);
  }
  return weights;
}
