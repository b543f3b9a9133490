import { dismissAlert, listOpenAlerts } from "@/server/services/alerts/alerts";
import { alertDismissOutput, dismissAlertInput, openAlertListOutput } from "@/server/services/alerts/schemas";
import { createTRPCRouter, ownedProcedure, readProcedure } from "@/server/api/trpc";
import { ownerOfAlert } from "@/server/auth/ownership";

export const alertsRouter = createTRPCRouter({
  open: readProcedure.output(openAlertListOutput).query(({ ctx }) => listOpenAlerts(ctx.service)),
  dismiss: ownedProcedure("alerts:manage", dismissAlertInput, (ctx, input) => ownerOfAlert(ctx, input.alertId))
    .output(alertDismissOutput)
    .mutation(({ ctx, input }) => dismissAlert(ctx.service, input)),
});
