import { isDeepStrictEqual } from "node:util";
import { asyncServingSchema, type AsyncServing } from "@/contracts/async-serving";
import type { ServingMode, ServingSla } from "@/contracts/serving-modes";
import { actorOf } from "@/server/auth/actor";
import type { Db } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import { recordAudit } from "@/server/services/audit/record-audit";
import { lockEndpointRow } from "@/server/services/endpoints/lock-endpoint";

/** SageMaker's own default for an asynchronous request's processing time (15 minutes). */
const DEFAULT_INVOCATION_TIMEOUT_SECONDS = 900;
/** Requests one instance works on at once when a promotion first turns an endpoint asynchronous (AWS's examples use 4). */
const DEFAULT_CONCURRENCY_PER_INSTANCE = 4;

/**
 * The SageMaker serving settings a promoted mode asks for: real time is null; asynchronous keeps the endpoint's own
 * settings when it has them (their processing time raised to the SLA's timeout when shorter), else SageMaker's
 * defaults with no scaling policy (the team sets one on the endpoint page).
 */
export function asyncServingFor(mode: ServingMode, current: AsyncServing | null, sla: ServingSla | null) {
  if (mode === "REALTIME") return null;
  const needed = sla?.timeoutSeconds ?? 0;
  if (current) return { ...current, invocationTimeoutSeconds: Math.max(current.invocationTimeoutSeconds, needed) };
  return asyncServingSchema.parse({
    maxConcurrentInvocationsPerInstance: DEFAULT_CONCURRENCY_PER_INSTANCE,
    invocationTimeoutSeconds: Math.max(DEFAULT_INVOCATION_TIMEOUT_SECONDS, needed),
    scaling: null,
  });
}

/**
 * Writes the endpoint's serving mode for a release (its promoted mode, or the prior one its rollback restores),
 * audited as the person who asked for the release, in one transaction; nothing is written when it is already so.
 */
export async function setReleaseServingMode(
  database: Db,
  release: { endpointId: string; requestedById: string; why: string },
  serving: AsyncServing | null,
): Promise<boolean> {
  return database.$transaction(async (tx) => {
    await lockEndpointRow(tx, release.endpointId);
    const endpoint = await tx.endpoint.findUniqueOrThrow({
      where: { id: release.endpointId },
      select: { asyncServing: true },
    });
    const before = endpoint.asyncServing === null ? null : asyncServingSchema.parse(endpoint.asyncServing);
    if (isDeepStrictEqual(before, serving)) return false;
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
