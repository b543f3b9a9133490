import type { V1Deployment } from "@kubernetes/client-node";
import type { EndpointState, EndpointStatus, VariantState } from "@/server/integrations/targets/deployment-target";
import { LABEL } from "@/server/integrations/kubernetes/labels";

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
  const variantName = deployment.metadata?.labels?.[LABEL.variant] ?? deployment.metadata?.name ?? "";
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

function overallStatus(
  rollouts: Rollout[],
  weights: Record<string, number> | undefined,
  missing: string[],
): EndpointStatus {
  if (rollouts.some((rollout) => rollout.failure)) return "failed";
  if (weights && missing.length === 0 && rollouts.every((rollout) => rollout.ready)) return "healthy";
  return rollouts.some((rollout) => rollout.everAvailable) ? "updating" : "creating";
}

function statusMessage(
  rollouts: Rollout[],
  weights: Record<string, number> | undefined,
  missing: string[],
): string | undefined {
  const messages = [
    ...rollouts
      .filter((rollout) => rollout.failure)
      .map((rollout) => `Variant ${rollout.variantName}: ${rollout.failure}`),
    ...rollouts
      .filter((rollout) => rollout.problem)
      .map((rollout) => `Variant ${rollout.variantName}: ${rollout.problem}`),
    ...missing.map((variantName) => `Variant ${variantName} receives traffic but has no Deployment`),
    ...(weights ? [] : ["The endpoint has no HTTPRoute, so it receives no traffic"]),
  ];
  return messages.length > 0 ? messages.join("; ") : undefined;
}

/** Folds the endpoint's Deployments and its HTTPRoute weights (undefined when the route is absent) into one state. */
export function endpointState(
  endpointName: string,
  deployments: V1Deployment[],
  weights: Record<string, number> | undefined,
): EndpointState {
  if (deployments.length === 0 && !weights) return { endpointName, status: "absent", variants: [] };
  const rollouts = deployments.map(deploymentRollout).sort((a, b) => a.variantName.localeCompare(b.variantName));
  const deployed = new Set(rollouts.map((rollout) => rollout.variantName));
  const missing = Object.keys(weights ?? {})
    .filter((variantName) => !deployed.has(variantName))
    .sort();
  const variants: VariantState[] = [
    ...rollouts.map((rollout) => ({
      variantName: rollout.variantName,
      weight: weights?.[rollout.variantName] ?? 0,
      ready: rollout.ready,
      replicas: rollout.readyReplicas,
    })),
    ...missing.map((variantName) => ({ variantName, weight: weights?.[variantName] ?? 0, ready: false, replicas: 0 })),
  ];
  const message = statusMessage(rollouts, weights, missing);
  return { endpointName, status: overallStatus(rollouts, weights, missing), ...(message ? { message } : {}), variants };
}
