import { getEndpoint, listEndpoints } from "@/server/services/endpoints/views";
import {
  endpointDetailOutput,
  endpointIdInput,
  endpointListOutput,
  endpointSloOutput,
  listEndpointsInput,
  sendPredictionInput,
  sendPredictionOutput,
} from "@/server/services/endpoints/schemas";
import { sendPrediction } from "@/server/services/endpoints/send-prediction";
import { setEndpointSlo } from "@/server/services/endpoints/slo";
import { endpointSloInput } from "@/contracts/slo-rules";
import { createTRPCRouter, procedureWith, readProcedure } from "@/server/api/trpc";

export const endpointsRouter = createTRPCRouter({
  list: readProcedure
    .input(listEndpointsInput)
    .output(endpointListOutput)
    .query(({ ctx, input }) => listEndpoints(ctx.service, input)),
  get: readProcedure
    .input(endpointIdInput)
    .output(endpointDetailOutput)
    .query(({ ctx, input }) => getEndpoint(ctx.service, input.id)),
  // Sending traffic shows up in the endpoint's metrics and drift windows, so viewers may look but not send.
  predict: procedureWith("models:write")
    .input(sendPredictionInput)
    .output(sendPredictionOutput)
    .mutation(({ ctx, input }) => sendPrediction(ctx.service, input)),
  // Data scientists own their models' endpoints, so they set the objectives too (any endpoint, like predict).
  setSlo: procedureWith("models:write")
    .input(endpointSloInput)
    .output(endpointSloOutput)
    .mutation(({ ctx, input }) => setEndpointSlo(ctx.service, input)),
});
