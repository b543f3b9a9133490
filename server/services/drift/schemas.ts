import { z } from "zod";

export const driftEnvironmentInput = z.enum(["PRODUCTION", "STAGING", "ALL"]);

export const fleetDriftInput = z.object({ environment: driftEnvironmentInput.default("PRODUCTION") });

export const endpointDriftInput = z.object({
  endpointId: z.string().min(1),
  /** How many of the latest reports per variant the heatmap shows. */
  reports: z.number().int().min(1).max(500).default(48),
});

export const featureDriftInput = z.object({
  endpointId: z.string().min(1),
  feature: z.string().min(1).max(200),
  variantName: z.string().min(1).max(63).optional(),
});

export const scanNowInput = z.object({ endpointId: z.string().min(1) });
