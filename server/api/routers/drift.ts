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
import { createTRPCRouter, ownedProcedure, readProcedure } from "@/server/api/trpc";
import { ownerOfEndpoint, ownerOfModel } from "@/server/auth/ownership";

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
  scanNow: ownedProcedure("models:write", scanNowInput, (ctx, input) => ownerOfEndpoint(ctx, input.endpointId))
    .output(scanNowOutput)
    .mutation(({ ctx, input }) => scanEndpointNow(ctx.service, input)),
  setThresholds: ownedProcedure("models:write", driftThresholdsInput, (ctx, input) =>
    ownerOfModel(ctx, input.modelName),
  )
    .output(driftThresholdsOutput)
    .mutation(({ ctx, input }) => setDriftThresholds(ctx.service, input)),
});
