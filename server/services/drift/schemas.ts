import { z } from "zod";
import { deploymentEnvironmentSchema, driftStatusSchema } from "@/contracts/enums";
import { FeatureKind } from "@/server/db/generated/client";

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

/** PSI as stored: a scan may store one it could not compute (NaN, ∞); `featureStatus` calls that insufficient data. */
const psiNumber = z.union([z.number(), z.nan(), z.literal([Infinity, -Infinity])]);

export const thresholdsOutput = z.object({ warnPsi: z.number(), alertPsi: z.number(), minSamples: z.number().int() });

/** The thresholds as the views show them, with the bins B and reference size m the smallest allowed window follows. */
const modelThresholdsOutput = thresholdsOutput.extend({
  noiseBasis: z.object({ bins: z.number().int(), referenceSize: z.number().int() }).nullable(),
});

const endpointSummaryOutput = z.object({
  endpointId: z.string(),
  endpointName: z.string(),
  environment: deploymentEnvironmentSchema,
  modelName: z.string(),
  /** The model's team: only it (and admins) may scan or change thresholds. */
  teamId: z.string(),
  isDemo: z.boolean(),
  thresholds: modelThresholdsOutput,
});

const featureScoreOutput = z.object({
  name: z.string(),
  psi: psiNumber,
  sampleSize: z.number().int(),
  referenceSize: z.number().int(),
  expectedPsi: psiNumber,
  /** χ²_{B−1, 0.999}·(1/n + 1/m): the PSI sampling noise alone exceeds once in a thousand windows (lib/drift-noise). */
  noiseCeiling: psiNumber,
});

export const fleetDriftOutput = z.array(
  endpointSummaryOutput.extend({
    variantName: z.string(),
    weight: z.number().int(),
    version: z.number().int(),
    hasReference: z.boolean(),
    report: z
      .object({
        id: z.string(),
        status: driftStatusSchema,
        windowStart: z.date(),
        windowEnd: z.date(),
        worstFeature: featureScoreOutput.nullable(),
      })
      .nullable(),
  }),
);

export const endpointDriftOutput = endpointSummaryOutput.extend({
  variants: z.array(z.object({ variantName: z.string(), weight: z.number().int(), version: z.number().int() })),
  reportsByVariant: z.array(
    z.object({
      variantName: z.string(),
      features: z.array(z.string()),
      reports: z.array(
        z.object({
          id: z.string(),
          version: z.number().int(),
          status: driftStatusSchema,
          windowStart: z.date(),
          windowEnd: z.date(),
          windowSeconds: z.number().int(),
          worstFeature: z.string().nullable(),
          worstPsi: psiNumber.nullable(),
          features: z.array(featureScoreOutput.extend({ status: driftStatusSchema })),
        }),
      ),
    }),
  ),
});

export const featureDriftOutput = z.object({
  endpointId: z.string(),
  endpointName: z.string(),
  modelName: z.string(),
  isDemo: z.boolean(),
  feature: z.string(),
  variantName: z.string().nullable(),
  variants: z.array(z.string()),
  thresholds: modelThresholdsOutput,
  latest: featureScoreOutput
    .omit({ name: true })
    .extend({
      reportId: z.string(),
      version: z.number().int(),
      windowStart: z.date(),
      windowEnd: z.date(),
      kind: z.enum(FeatureKind),
      status: driftStatusSchema,
      promql: z.string(),
      bins: z.array(
        z.object({
          label: z.string(),
          reference: z.number(),
          production: z.number(),
          /** From increase(), which extrapolates to the window's edges: not always a whole number. */
          productionCount: z.number(),
        }),
      ),
    })
    .nullable(),
});

export const driftScanResultOutput = z.object({
  reportId: z.string(),
  endpointId: z.string(),
  endpointName: z.string(),
  variantName: z.string(),
  status: driftStatusSchema,
  worstFeature: z.string().nullable(),
  worstPsi: psiNumber.nullable(),
});

export const scanNowOutput = z.array(driftScanResultOutput);

export const driftThresholdsOutput = thresholdsOutput.extend({ modelName: z.string() });

export type FleetDrift = z.infer<typeof fleetDriftOutput>;
export type EndpointDrift = z.infer<typeof endpointDriftOutput>;
export type FeatureDrift = z.infer<typeof featureDriftOutput>;
export type DriftScanResult = z.infer<typeof driftScanResultOutput>;
export type ModelDriftThresholds = z.infer<typeof driftThresholdsOutput>;
