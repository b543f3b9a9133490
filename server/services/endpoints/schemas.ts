import { asyncServingSchema } from "@/contracts/async-serving";
import { componentHostingSchema } from "@/contracts/component-hosting";
import { z } from "zod";
import { FALLBACK_REASONS, onlineFeaturesSchema } from "@/contracts/online-features";
import {
  deploymentEnvironmentSchema,
  deploymentStatusSchema,
  deploymentTargetKindSchema,
  taskTypeSchema,
} from "@/contracts/enums";
import type { OutputValue } from "@/contracts/runtime-predict";
import { rowExplanationSchema } from "@/contracts/explanations";
import { signatureSchema } from "@/contracts/signature";
import { DeploymentEnvironment, DeploymentTargetKind } from "@/server/db/generated/enums";
import { storedJson } from "@/server/services/stored-json";
import { MAX_PAGE } from "@/contracts/limits";

export const listEndpointsInput = z.object({
  search: z.string().trim().max(200).optional(),
  environment: z.enum(DeploymentEnvironment).optional(),
  target: z.enum(DeploymentTargetKind).optional(),
  page: z.number().int().min(1).max(MAX_PAGE).default(1),
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
  /** An endpoint hosting inference components: the version to ask (absent: the one it serves). */
  version: z.number().int().positive().optional(),
});

/** Rows to explain, as sent for a prediction; `variant` explains with the variant that served that prediction. */
export const explainPredictionInput = sendPredictionInput.omit({ version: true }).extend({
  variant: z.string().min(1).max(63).optional(),
});

export const endpointIdInput = z.object({ id: z.string().min(1) });

/** An endpoint's own columns, as the endpoint and deployment pages read them. */
export const endpointRowOutput = z.object({
  id: z.string(),
  name: z.string(),
  environment: deploymentEnvironmentSchema,
  target: deploymentTargetKindSchema,
  sloP99Ms: z.number(),
  sloAvailability: z.number(),
  captureRate: z.number(),
  captureRetentionDays: z.number().int(),
  scaleToZeroIdleSeconds: z.number().int().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const variantOutput = z.object({
  id: z.string(),
  variantName: z.string(),
  weight: z.number().int(),
  instanceType: z.string(),
  instanceCount: z.number().int(),
  updatedAt: z.date(),
  version: z.object({ id: z.string(), version: z.number().int() }),
});

const deploymentSummaryOutput = z.object({
  id: z.string(),
  status: deploymentStatusSchema,
  createdAt: z.date(),
  finishedAt: z.date().nullable(),
});

export const endpointListOutput = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      environment: deploymentEnvironmentSchema,
      target: deploymentTargetKindSchema,
      updatedAt: z.date(),
      model: z.object({ name: z.string(), isDemo: z.boolean() }),
      variants: z.array(variantOutput),
      latestDeployment: deploymentSummaryOutput.nullable(),
    }),
  ),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

const exampleRowOutput = z.record(z.string(), z.union([z.number(), z.string(), z.boolean()]));

export const endpointDetailOutput = endpointRowOutput.extend({
  onlineFeatures: onlineFeaturesSchema.nullable(),
  asyncServing: asyncServingSchema.nullable(),
  componentHosting: componentHostingSchema.nullable(),
  model: z.object({ name: z.string(), taskType: taskTypeSchema, isDemo: z.boolean(), teamId: z.string() }),
  variants: z.array(variantOutput),
  deployments: z.array(
    deploymentSummaryOutput.extend({
      failureReason: z.string().nullable(),
      promotion: z.object({
        reason: z.string(),
        strategy: storedJson,
        version: z.object({ version: z.number().int() }),
        requestedBy: z.object({ name: z.string() }),
      }),
    }),
  ),
  rollbackCandidate: z.object({ fromVersion: z.number().int(), toVersion: z.number().int() }).nullable(),
  serving: z
    .union([
      z.object({ version: z.number().int(), signature: z.null(), exampleRow: z.null() }),
      z.object({ version: z.number().int(), signature: signatureSchema, exampleRow: exampleRowOutput }),
    ])
    .nullable(),
});

export const sendPredictionOutput = z.object({
  predictionId: z.string(),
  variant: z.string(),
  modelVersion: z.number().int().nullable(),
  // The runtime's answer is not validated on the way in (a NaN output arrives as null), so only its form is checked.
  predictions: z.array(z.record(z.string(), z.custom<OutputValue>())),
  /** With a feature lookup: how many rows' stored features came from Redis (hot) and PostgreSQL (cold). */
  featureSources: z.object({ hot: z.number().int(), cold: z.number().int() }).nullable(),
  /** Set when the endpoint's fallback rules answered instead of its model. */
  fallback: z.object({ reason: z.enum(FALLBACK_REASONS), detail: z.string() }).nullable(),
  latencyMs: z.number(),
});

export const explainPredictionOutput = z.object({
  variant: z.string(),
  modelVersion: z.number().int().nullable(),
  explanations: z.array(rowExplanationSchema),
});

export const endpointSloOutput = z.object({
  id: z.string(),
  name: z.string(),
  sloP99Ms: z.number(),
  sloAvailability: z.number(),
});

export type EndpointList = z.infer<typeof endpointListOutput>;
export type EndpointDetail = z.infer<typeof endpointDetailOutput>;
export type SendPredictionResult = z.infer<typeof sendPredictionOutput>;
export type ExplainPredictionResult = z.infer<typeof explainPredictionOutput>;
export type EndpointSlo = z.infer<typeof endpointSloOutput>;

export const scaleToZeroOutput = z.object({
  endpointId: z.string(),
  idleSeconds: z.number().int().nullable(),
  /** Whether the runtime took it now; otherwise the endpoint's next deployment carries it. */
  runtime: z.enum(["applied", "not-serving", "unreachable"]),
});
export type ScaleToZeroSetting = z.infer<typeof scaleToZeroOutput>;

export const asyncServingOutput = z.object({
  endpointId: z.string(),
  serving: asyncServingSchema.nullable(),
  /** SageMaker needs a new endpoint config: the next deployment or rollback applies it. */
  appliesWith: z.literal("next-deployment"),
});
export type AsyncServingSetting = z.infer<typeof asyncServingOutput>;

export const componentHostingOutput = z.object({
  endpointId: z.string(),
  endpointName: z.string(),
  hosting: componentHostingSchema.nullable(),
  /** SageMaker hosts components only on an endpoint created for them: the next deployment applies it. */
  appliesWith: z.literal("next-deployment"),
});
export type ComponentHostingSetting = z.infer<typeof componentHostingOutput>;

export const onlineFeaturesOutput = z.object({
  endpointId: z.string(),
  onlineFeatures: onlineFeaturesSchema.nullable(),
  /** Whether the runtime took it now; otherwise the endpoint's next deployment carries it. */
  runtime: z.enum(["applied", "not-serving", "unreachable"]),
});
export type OnlineFeaturesSetting = z.infer<typeof onlineFeaturesOutput>;
