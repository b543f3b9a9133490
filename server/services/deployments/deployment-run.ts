import type { Db } from "@/server/db/client";
import { DEPLOYMENT_WORKER_STATUSES } from "@/contracts/enums";
import type { DeploymentStatus } from "@/server/db/generated/enums";
import type { DeploymentTarget } from "@/server/integrations/targets/deployment-target";
import type { GuardrailSource } from "@/server/integrations/targets/guardrail-source";
import { LeaseLost, type LeaseSettings } from "@/server/services/deployments/deployment-lease";
import type { ArtifactLocator, LoadedDeployment } from "@/server/services/deployments/endpoint-variants";
import type { GuardrailLimits } from "@/server/services/deployments/guardrails";
import type { ServiceSettings } from "@/server/services/context";

/** Everything a deployment needs from the outside world; the worker wires the real ones, tests their own. */
export type DeploymentRuntime = {
  target: (kind: LoadedDeployment["endpoint"]["target"]) => DeploymentTarget;
  artifactUri: ArtifactLocator;
  artifactExists: (sha256: string) => Promise<boolean>;
  /** Where a target's guardrail readings come from (the runtime's metrics, Prometheus, CloudWatch). */
  guardrails: (kind: LoadedDeployment["endpoint"]["target"]) => GuardrailSource;
  limits?: GuardrailLimits;
  sleep: (ms: number) => Promise<void>;
  guardrailPollMs: number;
  lease: LeaseSettings;
  /** The portal's asynchronous payload ceiling, which bounds the asynchronous modes a release may apply. */
  settings?: Pick<ServiceSettings, "asyncInference">;
};

/** Which try of the job this is: a transient error on the last one ends the release instead of being retried. */
export type AttemptInfo = { attempt: number; lastAttempt: boolean };

/** A deployment's end as this worker saw it; SUPERSEDED: another worker holds it now, or it was cancelled. */
export type RunOutcome = DeploymentStatus | "MISSING" | "SUPERSEDED";

export const IN_PROGRESS: DeploymentStatus[] = [...DEPLOYMENT_WORKER_STATUSES];

/** Ends the deployment and its promotion together, only while this worker still holds it. */
export async function finishDeployment(
  database: Db,
  deployment: Pick<LoadedDeployment, "id" | "promotionId">,
  owner: string,
  status: "SUCCEEDED" | "ROLLED_BACK" | "FAILED",
  failureReason: string | null,
) {
  await database.$transaction(async (tx) => {
    const ended = await tx.deployment.updateMany({
      where: { id: deployment.id, leaseOwner: owner, status: { in: IN_PROGRESS } },
      data: {
        status,
        failureReason: failureReason?.slice(0, 2000) ?? null,
        finishedAt: new Date(),
        leaseOwner: null,
        leaseExpiresAt: null,
      },
    });
    if (ended.count !== 1) throw new LeaseLost(`Deployment ${deployment.id}`);
    await tx.promotion.update({ where: { id: deployment.promotionId }, data: { status } });
  });
}
