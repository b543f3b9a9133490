import { dismissAlert, dismissAlertInput, listOpenAlerts } from "@/server/services/alerts/alerts";
import { createTRPCRouter, procedureWith, readProcedure } from "@/server/api/trpc";

export const alertsRouter = createTRPCRouter({
  open: readProcedure.query(({ ctx }) => listOpenAlerts(ctx.service)),
  dismiss: procedureWith("alerts:manage")
    .input(dismissAlertInput)
    .mutation(({ ctx, input }) => dismissAlert(ctx.service, input)),
});
