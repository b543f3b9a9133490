import { decidePromotionInput, requestPromotionInput, rollbackEndpointInput } from "@/contracts/deployments";
import { getDeployment, listDeployments } from "@/server/services/deployments/deployment-views";
import {
  decidePromotion,
  listPendingPromotions,
  requestPromotion,
  rollBackEndpoint,
} from "@/server/services/deployments/promotions";
import { deploymentIdInput, listDeploymentsInput } from "@/server/services/deployments/schemas";
import { createTRPCRouter, procedureWith, readProcedure } from "@/server/api/trpc";

export const deploymentsRouter = createTRPCRouter({
  requestPromotion: procedureWith("models:write")
    .input(requestPromotionInput)
    .mutation(({ ctx, input }) => requestPromotion(ctx.service, input)),
  decide: procedureWith("promotions:approve")
    .input(decidePromotionInput)
    .mutation(({ ctx, input }) => decidePromotion(ctx.service, input)),
  rollback: procedureWith("models:write")
    .input(rollbackEndpointInput)
    .mutation(({ ctx, input }) => rollBackEndpoint(ctx.service, input)),
  pending: readProcedure.query(({ ctx }) => listPendingPromotions(ctx.service)),
  get: readProcedure.input(deploymentIdInput).query(({ ctx, input }) => getDeployment(ctx.service, input.id)),
  list: readProcedure.input(listDeploymentsInput).query(({ ctx, input }) => listDeployments(ctx.service, input)),
});
