import { latencyDashboard } from "@/server/services/latency/dashboard";
import { latencyDashboardOutput, latencyInput } from "@/server/services/latency/schemas";
import { createTRPCRouter, readProcedure } from "@/server/api/trpc";

export const latencyRouter = createTRPCRouter({
  dashboard: readProcedure
    .input(latencyInput)
    .output(latencyDashboardOutput)
    .query(({ ctx, input }) => latencyDashboard(ctx.service, input)),
});
