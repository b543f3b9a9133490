import type { z } from "zod";
import { decideRolloutInput } from "@/contracts/deployments";
import { conflict, notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import { decisionStepOf } from "@/server/services/deployments/deployment-steps";
import { requeueDeployment } from "@/server/services/deployments/enqueue-deployments";
import { parseInput } from "@/server/services/parse-input";
import type { DecideRolloutResult } from "@/server/services/deployments/schemas";

/**
 * A person decides a rollout that is waiting because its bake could not judge the candidate (too few requests): go on
 * without a verdict, or roll back to what served before. Recorded as a step of the deployment and audited; the
 * worker then resumes the deployment.
 */
export async function decideRollout(
  ctx: ServiceContext,
  rawInput: z.input<typeof decideRolloutInput>,
): Promise<DecideRolloutResult> {
  const input = parseInput(decideRolloutInput, rawInput);
  const result = await ctx.db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<
      { status: string }[]
    >`SELECT status::text FROM "Deployment" WHERE id = ${input.deploymentId} FOR UPDATE`;
    if (!locked) throw notFound("Deployment");
    if (locked.status !== "AWAITING_DECISION")
      throw conflict(
        `This deployment is not waiting for a decision (it is ${locked.status.toLowerCase().replace("_", " ")})`,
      );
    const waiting = await tx.deploymentEvent.findFirstOrThrow({
      where: { deploymentId: input.deploymentId, outcome: "WAITING" },
      orderBy: { id: "desc" },
    });
    const actor = await tx.user.findUniqueOrThrow({ where: { id: ctx.actor.userId }, select: { name: true } });
    const verdict = input.proceed ? "continue without a verdict" : "roll back";
    await tx.deploymentEvent.create({
      data: {
        deploymentId: input.deploymentId,
        step: decisionStepOf(waiting.step),
        outcome: "SUCCEEDED",
        message: `${actor.name} chose to ${verdict}: ${input.reason}`,
        details: { proceed: input.proceed, decidedBy: actor.name, reason: input.reason },
        finishedAt: new Date(),
      },
    });
    const status = input.proceed ? ("RUNNING" as const) : ("ROLLING_BACK" as const);
    await tx.deployment.update({
      where: { id: input.deploymentId },
      data: {
        status,
        ...(input.proceed ? {} : { failureReason: `${waiting.message}; ${actor.name} rolled back: ${input.reason}` }),
      },
    });
    await recordAudit(tx, ctx.actor, {
      action: "deployment.decide",
      entityType: "Deployment",
      entityId: input.deploymentId,
      before: { status: "AWAITING_DECISION", question: waiting.message },
      after: { status, proceed: input.proceed, reason: input.reason },
    });
    return { status };
  });
  await requeueDeployment(input.deploymentId);
  return result;
}
