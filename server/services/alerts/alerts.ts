import type { z } from "zod";
import type { Prisma } from "@/server/db/generated/client";
import { notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { dismissAlertInput, type alertDismissOutput, type openAlertListOutput } from "@/server/services/alerts/schemas";

/** Open in-app alerts (budget, drift, latency), newest first. */
export async function listOpenAlerts(ctx: ReadContext): Promise<z.infer<typeof openAlertListOutput>> {
  const alerts = await ctx.db.alert.findMany({
    where: { resolvedAt: null },
    orderBy: [{ severity: "desc" }, { updatedAt: "desc" }],
    take: 50,
    select: {
      id: true,
      kind: true,
      severity: true,
      title: true,
      message: true,
      createdAt: true,
      updatedAt: true,
      team: { select: { id: true, name: true } },
      endpoint: { select: { id: true, name: true } },
    },
  });
  return alerts;
}

/** A person marks an alert as handled; it reopens only if its condition escalates. Audited. */
export async function dismissAlert(
  ctx: ServiceContext,
  input: z.input<typeof dismissAlertInput>,
): Promise<z.infer<typeof alertDismissOutput>> {
  const { alertId } = parseInput(dismissAlertInput, input);
  return ctx.db.$transaction(async (tx) => {
    const alert = await tx.alert.findUnique({ where: { id: alertId } });
    if (!alert) throw notFound("Alert");
    if (alert.resolvedAt) return { id: alert.id, changed: false };
    const details: Prisma.InputJsonValue = { ...asObject(alert.details), dismissedById: ctx.actor.userId };
    const resolvedAt = new Date();
    await tx.alert.update({ where: { id: alertId }, data: { resolvedAt, details } });
    await recordAudit(tx, ctx.actor, {
      action: "alert.dismiss",
      entityType: "Alert",
      entityId: alertId,
      before: { resolvedAt: null },
      after: { resolvedAt: resolvedAt.toISOString(), title: alert.title },
    });
    return { id: alert.id, changed: true };
  });
}

/** Whether a person dismissed the alert (rather than its condition clearing). */
export function isDismissed(details: Prisma.JsonValue): boolean {
  return (
    typeof details === "object" &&
    details !== null &&
    !Array.isArray(details) &&
    typeof details.dismissedById === "string"
  );
}

export function asObject(value: Prisma.JsonValue): Prisma.InputJsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Prisma.InputJsonObject) : {};
}
