import { z } from "zod";
import { getDeployment, listDeployments } from "@/server/services/deployments/deployment-views";
import {
  decidePromotion,
  listPendingPromotions,
  requestPromotion,
  rollBackEndpoint,
} from "@/server/services/deployments/promotions";
import { decidePromotionInput, requestPromotionInput, rollbackEndpointInput } from "@/contracts/deployments";
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
  get: readProcedure
    .input(z.object({ id: z.string().min(1) }))
    .query(({ ctx, input }) => getDeployment(ctx.service, input.id)),
  list: readProcedure
    .input(z.object({ modelName: z.string().optional(), take: z.number().int().min(1).max(200).optional() }))
    .query(({ ctx, input }) => listDeployments(ctx.service, input)),
});
