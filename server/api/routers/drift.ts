import { driftThresholdsInput } from "@/contracts/drift";
import { scanEndpointNow, setDriftThresholds } from "@/server/services/drift/actions";
import {
  driftThresholdsOutput,
  endpointDriftInput,
  endpointDriftOutput,
  featureDriftInput,
  featureDriftOutput,
  fleetDriftInput,
  fleetDriftOutput,
  scanNowInput,
  scanNowOutput,
} from "@/server/services/drift/schemas";
import { endpointDrift, featureDrift, fleetDrift } from "@/server/services/drift/views";
import { createTRPCRouter, procedureWith, readProcedure } from "@/server/api/trpc";

export const driftRouter = createTRPCRouter({
  fleet: readProcedure
    .input(fleetDriftInput)
    .output(fleetDriftOutput)
    .query(({ ctx, input }) => fleetDrift(ctx.service, input)),
  /** The model view: one endpoint's reports per variant (features × time). */
  model: readProcedure
    .input(endpointDriftInput)
    .output(endpointDriftOutput)
    .query(({ ctx, input }) => endpointDrift(ctx.service, input)),
  feature: readProcedure
    .input(featureDriftInput)
    .output(featureDriftOutput)
    .query(({ ctx, input }) => featureDrift(ctx.service, input)),
  scanNow: procedureWith("models:write")
    .input(scanNowInput)
    .output(scanNowOutput)
    .mutation(({ ctx, input }) => scanEndpointNow(ctx.service, input)),
  setThresholds: procedureWith("models:write")
    .input(driftThresholdsInput)
    .output(driftThresholdsOutput)
    .mutation(({ ctx, input }) => setDriftThresholds(ctx.service, input)),
});
