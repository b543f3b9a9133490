import type { KubernetesObject } from "@kubernetes/client-node";
import { z } from "zod";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { gatewayParentRef } from "@/server/integrations/kubernetes/render-http-route";

/** Whether the Gateway's controller has taken the route's current spec: attached and every backend resolved. */
export type RouteReadiness =
  { state: "accepted" } | { state: "pending"; message: string } | { state: "rejected"; message: string };

const GATEWAY_GROUP = "gateway.networking.k8s.io";
const REQUIRED_CONDITIONS = ["Accepted", "ResolvedRefs"] as const;

const conditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  observedGeneration: z.number().int().optional(),
});

const parentStatusSchema = z.object({
  parentRef: z.object({
    group: z.string().optional(),
    kind: z.string().optional(),
    name: z.string(),
    namespace: z.string().optional(),
    sectionName: z.string().optional(),
  }),
  conditions: z.array(conditionSchema).optional(),
});

const routeSchema = z.object({
  metadata: z.object({ name: z.string().optional(), generation: z.number().int().optional() }).optional(),
  status: z.object({ parents: z.array(parentStatusSchema).optional() }).optional(),
});

type Condition = z.infer<typeof conditionSchema>;
type ParentStatus = z.infer<typeof parentStatusSchema>;
type Verdict = RouteReadiness["state"];
type Parent = ReturnType<typeof gatewayParentRef>;

function sameParent(status: ParentStatus["parentRef"], parent: Parent, routeNamespace: string): boolean {
  return (
    status.name === parent.name &&
    (status.group ?? GATEWAY_GROUP) === parent.group &&
    (status.kind ?? "Gateway") === parent.kind &&
    (status.namespace ?? routeNamespace) === (parent.namespace ?? routeNamespace) &&
    status.sectionName === parent.sectionName
  );
}

/**
 * One condition of one parent. A condition written for an older generation says nothing about the current spec (a
 * stale False must not fail a fixed route, a stale True must not pass a broken one), so it counts as pending.
 */
function conditionVerdict(
  type: string,
  condition: Condition | undefined,
  generation: number,
): { verdict: Verdict; message?: string } {
  if (!condition) return { verdict: "pending", message: `no ${type} condition yet` };
  if (condition.observedGeneration === undefined || condition.observedGeneration < generation) {
    const seen =
      condition.observedGeneration === undefined ? "no generation" : `generation ${condition.observedGeneration}`;
    return { verdict: "pending", message: `${type} reported for ${seen}, the route is at generation ${generation}` };
  }
  if (condition.status === "True") return { verdict: "accepted" };
  // Gateway API's "Pending" reason means not reconciled yet, whatever the status says.
  const verdict = condition.status === "False" && condition.reason !== "Pending" ? "rejected" : "pending";
  return { verdict, message: describeCondition(type, condition) };
}

/** e.g. "ResolvedRefs=False (BackendNotFound): Service ml-serving/x not found" */
function describeCondition(type: string, { status, reason, message }: Condition): string {
  return `${type}=${status}${reason ? ` (${reason})` : ""}${message ? `: ${message}` : ""}`;
}

/** Rejected beats pending beats accepted. */
function worstOf(verdicts: Verdict[]): Verdict {
  if (verdicts.includes("rejected")) return "rejected";
  return verdicts.includes("pending") ? "pending" : "accepted";
}

function parentVerdict(status: ParentStatus, generation: number): { verdict: Verdict; messages: string[] } {
  const verdicts = REQUIRED_CONDITIONS.map((type) =>
    conditionVerdict(
      type,
      status.conditions?.find((condition) => condition.type === type),
      generation,
    ),
  );
  const worst = worstOf(verdicts.map((v) => v.verdict));
  return {
    verdict: worst,
    messages: verdicts.filter((v) => v.verdict === worst && v.message).map((v) => v.message ?? ""),
  };
}

/**
 * Reads `status.parents` of the endpoint's HTTPRoute for the configured Gateway: accepted only when that parent's
 * Accepted and ResolvedRefs conditions are True for the route's current generation; rejected when either is False
 * (with the controller's reason and message); pending otherwise, including when no controller has written status.
 */
export function routeReadiness(route: KubernetesObject, config: KubernetesTargetConfig): RouteReadiness {
  const parsed = routeSchema.safeParse(route);
  const routeName = route.metadata?.name ?? "";
  const parent = gatewayParentRef(config);
  const gateway = `Gateway ${parent.namespace ?? config.namespace}/${parent.name}${parent.sectionName ? `/${parent.sectionName}` : ""}`;
  const prefix = `HTTPRoute ${routeName} on ${gateway}`;
  if (!parsed.success) return { state: "pending", message: `${prefix}: unreadable status` };
  const generation = parsed.data.metadata?.generation ?? 0;
  const verdicts = (parsed.data.status?.parents ?? [])
    .filter((status) => sameParent(status.parentRef, parent, config.namespace))
    .map((status) => parentVerdict(status, generation));
  const rejected = verdicts.filter((v) => v.verdict === "rejected");
  if (rejected.length > 0)
    return { state: "rejected", message: `${prefix}: ${rejected.flatMap((v) => v.messages).join("; ")}` };
  if (verdicts.some((v) => v.verdict === "accepted")) return { state: "accepted" };
  const waiting = verdicts.flatMap((v) => v.messages);
  return {
    state: "pending",
    message: `${prefix} is not accepted yet: ${waiting.length > 0 ? waiting.join("; ") : "the gateway's controller has not reported on it"}`,
  };
}
