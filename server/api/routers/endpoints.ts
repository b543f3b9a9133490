import { z } from "zod";
import { getEndpoint, listEndpoints, listEndpointsInput } from "../../services/deployments/endpoint-views";
import { sendPrediction, sendPredictionInput } from "../../services/deployments/send-prediction";
import { createTRPCRouter, procedureWith, readProcedure } from "../trpc";

export const endpointsRouter = createTRPCRouter({
  list: readProcedure.input(listEndpointsInput).query(({ ctx, input }) => listEndpoints(ctx.service, input)),
  get: readProcedure.input(z.object({ id: z.string().min(1) })).query(({ ctx, input }) => getEndpoint(ctx.service, input.id)),
  // Sending traffic shows up in the endpoint's metrics and drift windows, so viewers may look but not send.
  predict: procedureWith("models:write")
    .input(sendPredictionInput)
    .mutation(({ ctx, input }) => sendPrediction(ctx.service, input)),
});
