import { notFound } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";
import type { RolloutStrategy, TrafficShifting } from "@/server/integrations/targets/deployment-target";
import { TRAFFIC_SHIFTING } from "@/server/integrations/targets/traffic-shifting";
import { rolloutSteps } from "@/server/services/deployments/rollout-plan";
import { appliesServingMode } from "@/server/services/deployments/apply-serving-mode";
import { rolloutStrategySchema } from "@/contracts/deployments";
import type { DeploymentDetail, DeploymentList } from "@/server/services/deployments/schemas";

/** A deployment with its step timeline, progress and the endpoint's current traffic split. */
export async function getDeployment(ctx: ReadContext, deploymentId: string): Promise<DeploymentDetail> {
  const deployment = await ctx.db.deployment.findUnique({
    where: { id: deploymentId },
    include: {
      events: { orderBy: { id: "asc" } },
      endpoint: {
        include: { variants: { include: { version: { select: { version: true } } }, orderBy: { variantName: "asc" } } },
      },
      promotion: {
        include: {
          requestedBy: { select: { id: true, name: true } },
          approvals: { include: { approver: { select: { id: true, name: true } } } },
          version: { select: { version: true, model: { select: { name: true } } } },
        },
      },
    },
  });
  if (!deployment) throw notFound("Deployment");
  const strategy = rolloutStrategySchema.parse(deployment.promotion.strategy);
  const { target } = deployment.endpoint;
  const appliesMode = appliesServingMode(deployment.promotion.servingMode, target);
  const plannedSteps = plannedStepNames(strategy, TRAFFIC_SHIFTING[target], appliesMode);
  const succeeded = new Set(deployment.events.filter((e) => e.outcome === "SUCCEEDED").map((e) => e.step));
  return {
    ...deployment,
    strategy,
    plannedSteps,
    progress:
      deployment.status === "SUCCEEDED" ? 1 : plannedSteps.filter((s) => succeeded.has(s)).length / plannedSteps.length,
  };
}

/**
 * The steps a deployment of this strategy goes through, in order (rollback is not planned; it happens). A target that
 * shifts traffic natively does the canary or linear steps inside apply-endpoint and wait-healthy. A promotion that
 * names SageMaker's serving mode writes it on the endpoint before the apply carries it.
 */
export function plannedStepNames(
  strategy: RolloutStrategy,
  shifting: TrafficShifting = "stepwise",
  appliesServingMode = false,
): string[] {
  const plan = rolloutSteps(strategy);
  // A native target shifts traffic itself; the portal then reads the candidate once more (one bake, when any).
  const traffic =
    shifting === "native"
      ? plan.some((step) => step.bakeSeconds > 0)
        ? ["bake:1"]
        : []
      : plan.flatMap((step, i) => [`shift-traffic:${i + 1}`, ...(step.bakeSeconds > 0 ? [`bake:${i + 1}`] : [])]);
  return [
    "record-prior-state",
    "validate-artifact",
    ...(appliesServingMode ? ["apply-serving-mode"] : []),
    "apply-endpoint",
    "wait-healthy",
    ...traffic,
    "finalize",
    "move-alias",
  ];
}

/** Recent deployments, newest first, optionally of one model. */
export async function listDeployments(
  ctx: ReadContext,
  input: { modelName?: string; take?: number },
): Promise<DeploymentList> {
  return ctx.db.deployment.findMany({
    where: input.modelName ? { promotion: { version: { model: { name: input.modelName } } } } : {},
    orderBy: { createdAt: "desc" },
    take: Math.min(input.take ?? 50, 200),
    select: {
      id: true,
      status: true,
      failureReason: true,
      createdAt: true,
      finishedAt: true,
      endpoint: { select: { name: true, environment: true, target: true } },
      promotion: {
        select: {
          version: { select: { version: true, model: { select: { name: true } } } },
          requestedBy: { select: { name: true } },
        },
      },
    },
  });
}
