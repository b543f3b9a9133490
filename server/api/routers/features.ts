import { createTRPCRouter, readProcedure } from "@/server/api/trpc";
import { listFeatureGroups } from "@/server/services/features/groups";
import { featureGroupListOutput } from "@/server/services/features/schemas";

export const featuresRouter = createTRPCRouter({
  /** Every feature group: what an endpoint's lookup may read (its own team's), with entity and mirror counts. */
  groups: readProcedure.output(featureGroupListOutput).query(({ ctx }) => listFeatureGroups(ctx.service)),
});
