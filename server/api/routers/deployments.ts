import {
  cancelDeploymentInput,
  decidePromotionInput,
  decideRolloutInput,
  requestPromotionInput,
  rollbackEndpointInput,
} from "@/contracts/deployments";
import { cancelDeployment } from "@/server/services/deployments/cancel-deployment";
import { decideRollout } from "@/server/services/deployments/decide-rollout";
import { getDeployment, listDeployments } from "@/server/services/deployments/deployment-views";
import {
  decidePromotion,
  listPendingPromotions,
  requestPromotion,
  rollBackEndpoint,
} from "@/server/services/deployments/promotions";
import {
  cancelDeploymentOutput,
  decidePromotionOutput,
  decideRolloutOutput,
  deploymentDetailOutput,
  deploymentIdInput,
  deploymentListOutput,
  listDeploymentsInput,
  pendingPromotionsOutput,
  requestPromotionOutput,
  rollbackOutput,
} from "@/server/services/deployments/schemas";
import { createTRPCRouter, procedureWith, readProcedure } from "@/server/api/trpc";

export const deploymentsRouter = createTRPCRouter({
  requestPromotion: procedureWith("models:write")
    .input(requestPromotionInput)
    .output(requestPromotionOutput)
    .mutation(({ ctx, input }) => requestPromotion(ctx.service, input)),
  decide: procedureWith("promotions:approve")
    .input(decidePromotionInput)
    .output(decidePromotionOutput)
    .mutation(({ ctx, input }) => decidePromotion(ctx.service, input)),
  rollback: procedureWith("models:write")
    .input(rollbackEndpointInput)
    .output(rollbackOutput)
    .mutation(({ ctx, input }) => rollBackEndpoint(ctx.service, input)),
  decideRollout: procedureWith("models:write")
    .input(decideRolloutInput)
    .output(decideRolloutOutput)
    .mutation(({ ctx, input }) => decideRollout(ctx.service, input)),
  cancel: procedureWith("deployments:cancel")
    .input(cancelDeploymentInput)
    .output(cancelDeploymentOutput)
    .mutation(({ ctx, input }) => cancelDeployment(ctx.service, input)),
  pending: readProcedure.output(pendingPromotionsOutput).query(({ ctx }) => listPendingPromotions(ctx.service)),
  get: readProcedure
    .input(deploymentIdInput)
    .output(deploymentDetailOutput)
    .query(({ ctx, input }) => getDeployment(ctx.service, input.id)),
  list: readProcedure
    .input(listDeploymentsInput)
    .output(deploymentListOutput)
    .query(({ ctx, input }) => listDeployments(ctx.service, input)),
});
