import type { V1Deployment } from "@kubernetes/client-node";
import type { EndpointState, EndpointStatus, VariantState } from "@/server/integrations/targets/deployment-target";
import { ANNOTATION, LABEL } from "@/server/integrations/kubernetes/labels";
import { DEFAULT_INSTANCE_TYPES } from "@/server/integrations/kubernetes/resources";
import type { LiveVariantInstances } from "@/server/integrations/targets/instance-counts";
import type { RouteReadiness } from "@/server/integrations/kubernetes/route-status";

/**
 * What the endpoint's HTTPRoute says: each live variant's weight, the shadows it mirrors to, and whether the gateway
 * has taken it.
 */
export type RouteView = { weights: Record<string, number>; mirrors: string[]; readiness: RouteReadiness };

type Rollout = {
  variantName: string;
  ready: boolean;
  everAvailable: boolean;
  readyReplicas: number;
  /** Set when the Deployment controller gave up (progress deadline exceeded). */
  failure?: string;
  /** A reason it is not ready yet that is worth showing, e.g. a ReplicaFailure from a quota. */
  problem?: string;
};

function condition(deployment: V1Deployment, type: string) {
  return deployment.status?.conditions?.find((candidate) => candidate.type === type);
}

/** The same test `kubectl rollout status` applies: the newest generation observed and fully rolled out. */
export function deploymentRollout(deployment: V1Deployment): Rollout {
  const status = deployment.status ?? {};
  const metadata = deployment.metadata;
  const variantName =
    metadata?.annotations?.[ANNOTATION.variant] ?? metadata?.labels?.[LABEL.variant] ?? metadata?.name ?? "";
  const desired = deployment.spec?.replicas ?? 1;
  const observed = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 1);
  const updated = status.updatedReplicas ?? 0;
  const ready =
    observed &&
    updated >= desired &&
    (status.replicas ?? 0) <= updated &&
    (status.availableReplicas ?? 0) >= updated &&
    condition(deployment, "Available")?.status !== "False";
  const progressing = condition(deployment, "Progressing");
  const replicaFailure = condition(deployment, "ReplicaFailure");
  return {
    variantName,
    ready,
    everAvailable: (status.availableReplicas ?? 0) > 0 || condition(deployment, "Available")?.status === "True",
    readyReplicas: status.readyReplicas ?? 0,
    ...(progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded"
      ? { failure: progressing.message ?? "progress deadline exceeded" }
      : {}),
    ...(replicaFailure?.status === "True"
      ? { problem: replicaFailure.message ?? replicaFailure.reason ?? "replica failure" }
      : {}),
  };
}

/**
 * A Deployment's ready replicas, as cost counts them, with the instance type it was rendered with (Deployments from
 * before that annotation: the flavour's default, from the runtime label).
 */
export function liveInstances(deployment: V1Deployment): LiveVariantInstances {
  const metadata = deployment.metadata;
  const flavourDefault =
    metadata?.labels?.[LABEL.name] === "vllm" ? DEFAULT_INSTANCE_TYPES.VLLM : DEFAULT_INSTANCE_TYPES.ONNX;
  return {
    variantName: deploymentRollout(deployment).variantName,
    instanceType: metadata?.annotations?.[ANNOTATION.instanceType] ?? flavourDefault,
    instances: deployment.status?.readyReplicas ?? 0,
  };
}

function overallStatus(rollouts: Rollout[], route: RouteView | undefined, missing: string[]): EndpointStatus {
  if (rollouts.some((rollout) => rollout.failure) || route?.readiness.state === "rejected") return "failed";
  if (route?.readiness.state === "accepted" && missing.length === 0 && rollouts.every((rollout) => rollout.ready))
    return "healthy";
  return rollouts.some((rollout) => rollout.everAvailable) ? "updating" : "creating";
}

function routeMessages(route: RouteView | undefined): string[] {
  if (!route) return ["The endpoint has no HTTPRoute, so it receives no traffic"];
  return route.readiness.state === "accepted" ? [] : [route.readiness.message];
}

function statusMessage(rollouts: Rollout[], route: RouteView | undefined, missing: string[]): string | undefined {
  const messages = [
    ...rollouts
      .filter((rollout) => rollout.failure)
      .map((rollout) => `Variant ${rollout.variantName}: ${rollout.failure}`),
    ...rollouts
      .filter((rollout) => rollout.problem)
      .map((rollout) => `Variant ${rollout.variantName}: ${rollout.problem}`),
    ...missing.map((variantName) => `Variant ${variantName} receives traffic but has no Deployment`),
    ...routeMessages(route),
  ];
  return messages.length > 0 ? messages.join("; ") : undefined;
}

/**
 * Folds the endpoint's Deployments and its HTTPRoute (undefined when absent) into one state: healthy only when every
 * Deployment has rolled out and the gateway has accepted the route's current generation with all backends resolved.
 */
export function endpointState(
  endpointName: string,
  deployments: V1Deployment[],
  route: RouteView | undefined,
): EndpointState {
  if (deployments.length === 0 && !route) return { endpointName, status: "absent", variants: [] };
  const weights = route?.weights;
  const mirrors = new Set(route?.mirrors ?? []);
  const rollouts = deployments.map(deploymentRollout).sort((a, b) => a.variantName.localeCompare(b.variantName));
  const deployed = new Set(rollouts.map((rollout) => rollout.variantName));
  const missing = [...new Set([...Object.keys(weights ?? {}), ...mirrors])]
    .filter((variantName) => !deployed.has(variantName))
    .sort();
  const variant = (variantName: string, ready: boolean, replicas: number): VariantState => ({
    variantName,
    weight: weights?.[variantName] ?? 0,
    ready,
    ...(mirrors.has(variantName) ? { shadow: true } : {}),
    replicas,
  });
  const variants: VariantState[] = [
    ...rollouts.map((rollout) => variant(rollout.variantName, rollout.ready, rollout.readyReplicas)),
    ...missing.map((variantName) => variant(variantName, false, 0)),
  ];
  const message = statusMessage(rollouts, route, missing);
  return { endpointName, status: overallStatus(rollouts, route, missing), ...(message ? { message } : {}), variants };
}
