import { prometheusFromEnv } from "../../integrations/prometheus/client";
import { latencyDashboard, latencyInput } from "../../services/monitoring/latency";
import { createTRPCRouter, readProcedure } from "../trpc";

export const monitoringRouter = createTRPCRouter({
  latency: readProcedure.input(latencyInput).query(({ ctx, input }) => latencyDashboard(ctx.service, prometheusFromEnv(), input)),
});
