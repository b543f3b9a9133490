import { z } from "zod";
import { rolloutStrategySchema } from "@/contracts/deployments";
import { deploymentEnvironmentSchema, deploymentStatusSchema, deploymentTargetKindSchema } from "@/contracts/enums";
import { PromotionStatus, StepOutcome } from "@/server/db/generated/enums";
import { endpointRowOutput } from "@/server/services/endpoints/schemas";
import { storedJson } from "@/server/services/stored-json";
import { servingModeSchema, servingSlaSchema } from "@/contracts/serving-modes";
import { versionNumberSchema } from "@/contracts/registry";

export const deploymentIdInput = z.object({ id: z.string().min(1) });

export const listDeploymentsInput = z.object({
  modelName: z.string().optional(),
  take: z.number().int().min(1).max(200).optional(),
});

const promotionStatusSchema = z.enum(PromotionStatus);

/** A Promotion row as Prisma returns it. */
const promotionRowOutput = z.object({
  id: z.string(),
  versionId: z.string(),
  environment: deploymentEnvironmentSchema,
  target: deploymentTargetKindSchema,
  strategy: storedJson,
  gates: storedJson,
  status: promotionStatusSchema,
  reason: z.string(),
  requestedById: z.string(),
  servingMode: servingModeSchema.nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const userNameOutput = z.object({ id: z.string(), name: z.string() });
const versionOfModelOutput = z.object({ version: z.number().int(), model: z.object({ name: z.string() }) });

export const requestPromotionOutput = z.object({
  promotion: promotionRowOutput,
  deploymentId: z.string().nullable(),
});

export const decidePromotionOutput = z.object({
  status: promotionStatusSchema.extract(["APPROVED", "REJECTED"]),
  deploymentId: z.string().nullable(),
});

export const cancelDeploymentOutput = z.object({ status: z.literal("FAILED"), failureReason: z.string() });

export const decideRolloutOutput = z.object({ status: deploymentStatusSchema.extract(["RUNNING", "ROLLING_BACK"]) });

export const rollbackOutput = z.object({ deploymentId: z.string(), version: z.number().int() });

export const pendingPromotionsOutput = z.array(
  promotionRowOutput
    .pick({
      id: true,
      environment: true,
      target: true,
      servingMode: true,
      strategy: true,
      gates: true,
      reason: true,
      createdAt: true,
    })
    .extend({
      requestedBy: userNameOutput,
      version: versionOfModelOutput,
      /** The A/B test whose winner this promotion carries: its evidence is on the test's page. */
      abTest: z.object({ id: z.string(), name: z.string() }).nullable(),
    }),
);

const deploymentRowOutput = z.object({
  id: z.string(),
  promotionId: z.string(),
  endpointId: z.string(),
  status: deploymentStatusSchema,
  failureReason: z.string().nullable(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const deploymentDetailOutput = deploymentRowOutput.extend({
  events: z.array(
    z.object({
      id: z.bigint(),
      deploymentId: z.string(),
      step: z.string(),
      attempt: z.number().int(),
      outcome: z.enum(StepOutcome),
      message: z.string(),
      details: storedJson,
      startedAt: z.date(),
      finishedAt: z.date().nullable(),
    }),
  ),
  endpoint: endpointRowOutput.extend({
    modelId: z.string(),
    variants: z.array(
      z.object({
        id: z.string(),
        endpointId: z.string(),
        versionId: z.string(),
        variantName: z.string(),
        weight: z.number().int(),
        instanceType: z.string(),
        instanceCount: z.number().int(),
        updatedAt: z.date(),
        version: z.object({ version: z.number().int() }),
      }),
    ),
  }),
  promotion: promotionRowOutput.extend({
    requestedBy: userNameOutput,
    approvals: z.array(
      z.object({
        id: z.string(),
        promotionId: z.string(),
        approverId: z.string(),
        approved: z.boolean(),
        comment: z.string(),
        createdAt: z.date(),
        approver: userNameOutput,
      }),
    ),
    version: versionOfModelOutput,
  }),
  strategy: rolloutStrategySchema,
  plannedSteps: z.array(z.string()),
  progress: z.number(),
});

export const deploymentListOutput = z.array(
  deploymentRowOutput.pick({ id: true, status: true, failureReason: true, createdAt: true, finishedAt: true }).extend({
    endpoint: z.object({
      name: z.string(),
      environment: deploymentEnvironmentSchema,
      target: deploymentTargetKindSchema,
    }),
    promotion: z.object({
      version: versionOfModelOutput,
      requestedBy: userNameOutput.pick({ name: true }),
    }),
  }),
);

export type RequestPromotionResult = z.infer<typeof requestPromotionOutput>;
export type DecidePromotionResult = z.infer<typeof decidePromotionOutput>;
export type CancelDeploymentResult = z.infer<typeof cancelDeploymentOutput>;
export type DecideRolloutResult = z.infer<typeof decideRolloutOutput>;
export type RollbackResult = z.infer<typeof rollbackOutput>;
export type PendingPromotions = z.infer<typeof pendingPromotionsOutput>;
export type DeploymentDetail = z.infer<typeof deploymentDetailOutput>;
export type DeploymentList = z.infer<typeof deploymentListOutput>;

export const servingModesInput = z.object({ modelName: z.string().min(1).max(200), version: versionNumberSchema });

const modeLimitsOutput = z.object({
  maxPayloadBytes: z.number().nullable(),
  maxTimeoutSeconds: z.number().nullable(),
  answersInRequest: z.boolean(),
});

export const servingModesOutput = z.object({
  sla: servingSlaSchema.nullable(),
  targets: z.array(
    z.object({
      target: deploymentTargetKindSchema,
      modes: z.array(z.object({ mode: servingModeSchema, limits: modeLimitsOutput, problems: z.array(z.string()) })),
      endpoints: z.array(
        z.object({
          name: z.string(),
          environment: deploymentEnvironmentSchema,
          mode: servingModeSchema,
          /** What this endpoint's hosting adds (SageMaker inference components): the mode it rules out and why. */
          hostingProblems: z.array(z.object({ mode: servingModeSchema, problem: z.string() })),
        }),
      ),
    }),
  ),
});
export type ServingModesView = z.infer<typeof servingModesOutput>;
