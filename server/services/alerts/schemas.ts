import { z } from "zod";
import { AlertKind, AlertSeverity } from "@/server/db/generated/enums";

export const dismissAlertInput = z.object({ alertId: z.string().min(1) });

// Outputs: the response shapes of the alerts tRPC procedures.

const refOutput = z.object({ id: z.string(), name: z.string() });

export const openAlertListOutput = z.array(
  z.object({
    id: z.string(),
    kind: z.enum(AlertKind),
    severity: z.enum(AlertSeverity),
    title: z.string(),
    message: z.string(),
    createdAt: z.date(),
    updatedAt: z.date(),
    team: refOutput.nullable(),
    endpoint: refOutput.nullable(),
  }),
);

export const alertDismissOutput = z.object({ id: z.string(), changed: z.boolean() });
