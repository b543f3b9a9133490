import type { z } from "zod";
import { cancelDeploymentInput } from "@/contracts/deployments";
import { isActiveDeploymentStatus, type DeploymentStatus } from "@/contracts/enums";
import { conflict, notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import type { CancelDeploymentResult } from "@/server/services/deployments/schemas";

/**
 * An admin ends a deployment that is stuck in progress (its worker gone, a target that never answers). It ends FAILED
 * with who and why, its lease is cleared so a worker still holding it stops at its next step, and the endpoint is
 * left exactly as it is now: the deployment page shows what still serves, and "Roll back" restores an earlier version.
 */
export async function cancelDeployment(
  ctx: ServiceContext,
  rawInput: z.input<typeof cancelDeploymentInput>,
): Promise<CancelDeploymentResult> {
  const input = parseInput(cancelDeploymentInput, rawInput);
  return ctx.db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<
      { status: DeploymentStatus; promotionId: string }[]
    >`SELECT status::text, "promotionId" FROM "Deployment" WHERE id = ${input.deploymentId} FOR UPDATE`;
    if (!locked) throw notFound("Deployment");
    if (!isActiveDeploymentStatus(locked.status))
      throw conflict(`This deployment has already ended (${locked.status.toLowerCase().replace("_", " ")})`);
    const actor = await tx.user.findUniqueOrThrow({ where: { id: ctx.actor.userId }, select: { name: true } });
    const failureReason = `Cancelled by ${actor.name}: ${input.reason}`;
    await tx.deployment.update({
      where: { id: input.deploymentId },
      data: { status: "FAILED", failureReason, finishedAt: new Date(), leaseOwner: null, leaseExpiresAt: null },
    });
    await tx.promotion.update({ where: { id: locked.promotionId }, data: { status: "FAILED" } });
    // A worker still running a step can no longer record it (its lease is gone): close the step here.
    await tx.deploymentEvent.updateMany({
      where: { deploymentId: input.deploymentId, outcome: "RUNNING" },
      data: { outcome: "ABANDONED", finishedAt: new Date(), message: `Abandoned: ${failureReason}`.slice(0, 2000) },
    });
    await recordAudit(tx, ctx.actor, {
      action: "deployment.cancel",
      entityType: "Deployment",
      entityId: input.deploymentId,
      before: { status: locked.status },
      after: { status: "FAILED", reason: input.reason },
    });
    return { status: "FAILED" as const, failureReason };
  });
}
