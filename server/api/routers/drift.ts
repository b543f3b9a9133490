import { env } from "@/server/env";
import { prometheusFromEnv } from "@/server/integrations/prometheus/client";
import { scanEndpointNow, setDriftThresholds } from "@/server/services/monitoring/drift-actions";
import { durationSeconds } from "@/server/services/monitoring/drift-query";
import { driftThresholdsInput } from "@/contracts/drift";
import {
  endpointDriftInput,
  featureDriftInput,
  fleetDriftInput,
  scanNowInput,
} from "@/server/services/monitoring/drift-schemas";
import { endpointDrift, featureDrift, fleetDrift } from "@/server/services/monitoring/drift-views";
import { createTRPCRouter, procedureWith, readProcedure } from "@/server/api/trpc";

export const driftRouter = createTRPCRouter({
  fleet: readProcedure.input(fleetDriftInput).query(({ ctx, input }) => fleetDrift(ctx.service, input)),
  /** The model view: one endpoint's reports per variant (features × time). */
  model: readProcedure.input(endpointDriftInput).query(({ ctx, input }) => endpointDrift(ctx.service, input)),
  feature: readProcedure.input(featureDriftInput).query(({ ctx, input }) => featureDrift(ctx.service, input)),
  scanNow: procedureWith("models:write")
    .input(scanNowInput)
    .mutation(({ ctx, input }) =>
      scanEndpointNow(
        { ...ctx.service, prometheus: prometheusFromEnv() },
        { ...input, windowSeconds: durationSeconds(env().DRIFT_WINDOW) },
      ),
    ),
  setThresholds: procedureWith("models:write")
    .input(driftThresholdsInput)
    .mutation(({ ctx, input }) => setDriftThresholds(ctx.service, input)),
});
