import { qualityDashboard } from "@/server/services/quality/dashboard";
import { qualityDashboardOutput, qualityInput } from "@/server/services/quality/schemas";
import { createTRPCRouter, readProcedure } from "@/server/api/trpc";

export const qualityRouter = createTRPCRouter({
  /** Production quality per endpoint, variant and day from ground truth; every role may read it, like latency. */
  dashboard: readProcedure
    .input(qualityInput)
    .output(qualityDashboardOutput)
    .query(({ ctx, input }) => qualityDashboard(ctx.service, input)),
});
