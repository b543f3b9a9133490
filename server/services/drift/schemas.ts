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

export const driftThresholdsInput = z
  .object({
    modelName: z.string().min(1).max(200),
    warnPsi: z.number().positive("The warn threshold must be above 0").max(10),
    alertPsi: z.number().positive().max(10),
    minSamples: z.number().int("Whole rows only").min(1, "At least 1 row").max(100_000_000),
  })
  .refine((t) => t.alertPsi > t.warnPsi, {
    path: ["alertPsi"],
    message: "The alert threshold must be above the warn threshold",
  });

export type DriftThresholdsInput = z.infer<typeof driftThresholdsInput>;
