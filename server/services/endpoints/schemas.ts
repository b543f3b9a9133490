import { z } from "zod";
import { DeploymentEnvironment, DeploymentTargetKind } from "@/server/db/generated/enums";

export const listEndpointsInput = z.object({
  search: z.string().trim().max(200).optional(),
  environment: z.enum(DeploymentEnvironment).optional(),
  target: z.enum(DeploymentTargetKind).optional(),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(100).default(25),
});

export const MAX_PORTAL_PREDICTION_ROWS = 100;

export const sendPredictionInput = z.object({
  endpointId: z.string().min(1),
  rows: z
    .array(z.record(z.string(), z.unknown(), { error: "Each row must be an object of feature values" }), {
      error: "Send a list of rows",
    })
    .min(1, "Send at least one row")
    .max(MAX_PORTAL_PREDICTION_ROWS, `At most ${MAX_PORTAL_PREDICTION_ROWS} rows from the portal`),
});

export const endpointIdInput = z.object({ id: z.string().min(1) });
