import { isDeepStrictEqual } from "node:util";
import { asyncServingSchema, type AsyncServing } from "@/contracts/async-serving";
import type { DeploymentTargetKind } from "@/contracts/enums";
import type { ServingMode, ServingSla } from "@/contracts/serving-modes";
import { actorOf } from "@/server/auth/actor";
import type { Db } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import { recordAudit } from "@/server/services/audit/record-audit";
import { lockEndpointRow } from "@/server/services/endpoints/lock-endpoint";
import type { Fence } from "@/server/services/deployments/deployment-lease";
import { DeploymentFailure } from "@/server/services/deployments/deployment-steps";

/** SageMaker's own default for an asynchronous request's processing time (15 minutes). */
const DEFAULT_INVOCATION_TIMEOUT_SECONDS = 900;
/** Requests one instance works on at once when a promotion first turns an endpoint asynchronous (AWS's examples use 4). */
const DEFAULT_CONCURRENCY_PER_INSTANCE = 4;

/**
 * Whether a release writes its promotion's mode on the endpoint (its apply-serving-mode step): only SageMaker switches
 * modes; a promotion that names none keeps the endpoint's.
 */
export function appliesServingMode(mode: ServingMode | null, target: DeploymentTargetKind): boolean {
  return mode !== null && target === "SAGEMAKER";
}

/**
 * The SageMaker serving settings a promoted mode asks for: real time is null; asynchronous keeps the endpoint's own
 * settings when it has them (their processing time raised to the SLA's timeout when shorter), else SageMaker's
 * defaults with no scaling policy (the team sets one on the endpoint page). The SLA was checked to fit the mode, so
 * the result is valid; it is parsed all the same, so nothing invalid is ever written.
 */
export function asyncServingFor(mode: ServingMode, current: AsyncServing | null, sla: ServingSla | null) {
  if (mode === "REALTIME") return null;
  const needed = sla?.timeoutSeconds ?? 0;
  return asyncServingSchema.parse(
    current
      ? { ...current, invocationTimeoutSeconds: Math.max(current.invocationTimeoutSeconds, needed) }
      : {
          maxConcurrentInvocationsPerInstance: DEFAULT_CONCURRENCY_PER_INSTANCE,
          invocationTimeoutSeconds: Math.max(DEFAULT_INVOCATION_TIMEOUT_SECONDS, needed),
          scaling: null,
        },
  );
}

export type ReleaseOfMode = {
  endpointId: string;
  requestedById: string;
  why: string;
  /** The deployment's lease: a worker that lost it writes nothing. */
  fence: Fence;
};

/**
 * Writes the endpoint's serving mode for a release, audited as the person who asked for it, in one transaction under
 * the deployment's lease and the endpoint's row lock; nothing is written when it is already so. `onlyIf`: write only
 * while the endpoint still has these settings (a rollback never undoes a change someone made since). An asynchronous
 * endpoint serves one variant, so the mode is refused while an A/B test on it has not ended (its set-up takes the same
 * row lock).
 */
export async function setReleaseServingMode(
  database: Db,
  release: ReleaseOfMode,
  serving: AsyncServing | null,
  onlyIf?: AsyncServing | null,
): Promise<boolean> {
  return database.$transaction(async (tx) => {
    await release.fence(tx);
    await lockEndpointRow(tx, release.endpointId);
    const endpoint = await tx.endpoint.findUniqueOrThrow({
      where: { id: release.endpointId },
      select: { asyncServing: true },
    });
    const before = endpoint.asyncServing === null ? null : asyncServingSchema.parse(endpoint.asyncServing);
    if (onlyIf !== undefined && !isDeepStrictEqual(before, onlyIf)) return false;
    if (isDeepStrictEqual(before, serving)) return false;
    if (serving !== null) await assertNoOpenTest(tx, release.endpointId);
    await tx.endpoint.update({
      where: { id: release.endpointId },
      data: { asyncServing: serving ?? Prisma.DbNull },
    });
    const requester = await tx.user.findUniqueOrThrow({
      where: { id: release.requestedById },
      select: { id: true, role: true, teamId: true },
    });
    await recordAudit(tx, actorOf(requester), {
      action: "endpoint.async-serving",
      entityType: "Endpoint",
      entityId: release.endpointId,
      before: { serving: before },
      after: { serving, by: release.why },
    });
    return true;
  });
}

async function assertNoOpenTest(tx: Prisma.TransactionClient, endpointId: string) {
  const test = await tx.abTest.findFirst({
    where: { endpointId, status: { in: ["PLANNED", "SHADOW", "RUNNING"] } },
    select: { name: true },
  });
  if (test)
    throw new DeploymentFailure(
      `The endpoint's A/B test "${test.name}" has not ended; an asynchronous endpoint serves one variant`,
    );
}
