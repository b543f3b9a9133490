import { dismissAlert, listOpenAlerts } from "@/server/services/alerts/alerts";
import { alertDismissOutput, dismissAlertInput, openAlertListOutput } from "@/server/services/alerts/schemas";
import { createTRPCRouter, procedureWith, readProcedure } from "@/server/api/trpc";

export const alertsRouter = createTRPCRouter({
  open: readProcedure.output(openAlertListOutput).query(({ ctx }) => listOpenAlerts(ctx.service)),
  dismiss: procedureWith("alerts:manage")
    .input(dismissAlertInput)
    .output(alertDismissOutput)
    .mutation(({ ctx, input }) => dismissAlert(ctx.service, input)),
});
