import { latencyDashboard } from "@/server/services/latency/dashboard";
import { latencyInput } from "@/server/services/latency/schemas";
import { createTRPCRouter, readProcedure } from "@/server/api/trpc";

export const latencyRouter = createTRPCRouter({
  dashboard: readProcedure.input(latencyInput).query(({ ctx, input }) => latencyDashboard(ctx.service, input)),
});
