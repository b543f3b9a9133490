import { prometheusFromEnv } from "@/server/integrations/prometheus/client";
import { latencyDashboard, latencyInput } from "@/server/services/monitoring/latency";
import { createTRPCRouter, readProcedure } from "@/server/api/trpc";

export const monitoringRouter = createTRPCRouter({
  latency: readProcedure
    .input(latencyInput)
    .query(({ ctx, input }) => latencyDashboard(ctx.service, prometheusFromEnv(), input)),
});
