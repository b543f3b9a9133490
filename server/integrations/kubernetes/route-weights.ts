import type { KubernetesObject } from "@kubernetes/client-node";
import { z } from "zod";
import { ANNOTATION } from "@/server/integrations/kubernetes/labels";

// The client library has no HTTPRoute type; read just the fields the target needs and reject anything else.
const routeSchema = z.object({
  metadata: z.object({ annotations: z.record(z.string(), z.string()).optional() }).optional(),
  spec: z.object({
    rules: z
      .array(
        z.object({
          backendRefs: z.array(z.object({ name: z.string(), weight: z.number().int().min(0).optional() })).optional(),
          filters: z
            .array(
              z.object({
                type: z.string(),
                requestMirror: z.object({ backendRef: z.object({ name: z.string() }) }).optional(),
              }),
            )
            .optional(),
        }),
      )
      .optional(),
  }),
});

const backendsSchema = z.record(z.string(), z.string());

function unexpected(route: KubernetesObject, problem: string): Error {
  return new Error(`Unexpected HTTPRoute ${route.metadata?.name ?? ""}: ${problem}`);
}

/** Backend Service name → variant name, as recorded when the route was rendered. */
function backendVariants(route: KubernetesObject, annotation: string | undefined): Record<string, string> {
  if (annotation === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(annotation);
  } catch {
    throw unexpected(route, `annotation ${ANNOTATION.backends} is not JSON`);
  }
  const backends = backendsSchema.safeParse(parsed);
  if (!backends.success) throw unexpected(route, z.prettifyError(backends.error));
  return backends.data;
}

function parseRoute(route: KubernetesObject) {
  const parsed = routeSchema.safeParse(route);
  if (!parsed.success) throw unexpected(route, z.prettifyError(parsed.error));
  const variants = backendVariants(route, parsed.data.metadata?.annotations?.[ANNOTATION.backends]);
  return { rules: parsed.data.spec.rules ?? [], variantOf: (service: string) => variants[service] ?? service };
}

/** The variants the route mirrors requests to (its shadows): the backends of its RequestMirror filters. */
export function routeMirrors(route: KubernetesObject): string[] {
  const { rules, variantOf } = parseRoute(route);
  return rules.flatMap((rule) =>
    (rule.filters ?? []).flatMap((filter) =>
      filter.type === "RequestMirror" && filter.requestMirror ? [variantOf(filter.requestMirror.backendRef.name)] : [],
    ),
  );
}

/**
 * Variant name → weight from an HTTPRoute's backends; Gateway API's default weight is 1. A backend the route's
 * annotation does not name keeps its Service name, which then matches no variant and shows up as one without a
 * Deployment.
 */
export function routeWeights(route: KubernetesObject): Record<string, number> {
  const { rules, variantOf } = parseRoute(route);
  const weights: Record<string, number> = {};
  for (const rule of rules) {
    for (const backend of rule.backendRefs ?? []) {
      const variantName = variantOf(backend.name);
      weights[variantName] = (weights[variantName] ?? 0) + (backend.weight ?? 1);
    }
  }
  return weights;
}
