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
  servingModesInput,
  servingModesOutput,
} from "@/server/services/deployments/schemas";
import { servingModesOfVersion } from "@/server/services/deployments/serving-modes-view";
import { createTRPCRouter, ownedProcedure, readProcedure } from "@/server/api/trpc";
import { ownerOfDeployment, ownerOfEndpoint, ownerOfModel, ownerOfPromotion } from "@/server/auth/ownership";

export const deploymentsRouter = createTRPCRouter({
  requestPromotion: ownedProcedure("models:write", requestPromotionInput, (ctx, input) =>
    ownerOfModel(ctx, input.modelName),
  )
    .output(requestPromotionOutput)
    .mutation(({ ctx, input }) => requestPromotion(ctx.service, input)),
  servingModes: readProcedure
    .input(servingModesInput)
    .output(servingModesOutput)
    .query(({ ctx, input }) => servingModesOfVersion(ctx.service, input)),
  decide: ownedProcedure("promotions:approve", decidePromotionInput, (ctx, input) =>
    ownerOfPromotion(ctx, input.promotionId),
  )
    .output(decidePromotionOutput)
    .mutation(({ ctx, input }) => decidePromotion(ctx.service, input)),
  rollback: ownedProcedure("deployments:rollback", rollbackEndpointInput, (ctx, input) =>
    ownerOfEndpoint(ctx, input.endpointId),
  )
    .output(rollbackOutput)
    .mutation(({ ctx, input }) => rollBackEndpoint(ctx.service, input)),
  decideRollout: ownedProcedure("models:write", decideRolloutInput, (ctx, input) =>
    ownerOfDeployment(ctx, input.deploymentId),
  )
    .output(decideRolloutOutput)
    .mutation(({ ctx, input }) => decideRollout(ctx.service, input)),
  cancel: ownedProcedure("deployments:cancel", cancelDeploymentInput, (ctx, input) =>
    ownerOfDeployment(ctx, input.deploymentId),
  )
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
