import { z } from "zod";
import { MAX_INT4 } from "@/contracts/limits";
import { servingModeSchema } from "@/contracts/serving-modes";

/**
 * What a bake does when, even after extending its window, too few requests reached the candidate to judge it: ask a
 * person to continue or roll back, or roll back at once. It never passes silently.
 */
export const tooFewRequestsSchema = z.enum(["ask", "roll-back"]).default("ask");

export const rolloutStrategySchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("all-at-once") }),
    z.object({
      kind: z.literal("canary"),
      canaryPercent: z.number().int().min(1, "Canary share is 1–99%").max(99, "Canary share is 1–99%"),
      bakeSeconds: z.number().int().min(0).max(86_400),
      tooFewRequests: tooFewRequestsSchema,
    }),
    z.object({
      kind: z.literal("linear"),
      stepPercent: z.number().int().min(1, "Linear steps are 1–99%").max(99, "Linear steps are 1–99%"),
      stepBakeSeconds: z.number().int().min(0).max(86_400),
      tooFewRequests: tooFewRequestsSchema,
    }),
  ])
  .meta({ id: "RolloutStrategy" });

export const metricGateSchema = z.object({
  metric: z.string().min(1).max(250),
  /** Whether a higher value of the metric is better (AUC) or a lower one (loss, MAE). */
  higherIsBetter: z.boolean(),
  /** How much worse than production the candidate may be, in the metric's units (0 = at least as good). */
  tolerance: z.number().min(0).default(0),
});

export const requestPromotionInput = z.object({
  modelName: z.string().min(1).max(200),
  version: z.number().int().min(1).max(MAX_INT4),
  environment: z.enum(["STAGING", "PRODUCTION"]),
  target: z.enum(["LOCAL", "SAGEMAKER", "KUBERNETES"]),
  strategy: rolloutStrategySchema,
  reason: z.string().trim().min(1, "Say why this version should be promoted").max(1000),
  metricGate: metricGateSchema.optional(),
  /**
   * How the endpoint answers from this release on (REALTIME or ASYNC, among the target's modes); the version's SLA is
   * checked against its limits first. Left out: the endpoint keeps the mode it has (real time for a new one).
   */
  servingMode: servingModeSchema.optional(),
});

/** The rollout a promotion asks for, with its policy for bakes that see too few requests. */
export type PromotionStrategy = z.infer<typeof rolloutStrategySchema>;
export type MetricGate = z.infer<typeof metricGateSchema>;

/**
 * A gate's outcome as stored on the promotion. The golden-set gate also carries its evaluation's status
 * (NOT_CONFIGURED, QUEUED, RUNNING, PASSED, FAILED, ERROR) and id: it is decided when a person approves.
 */
export type GateResult = {
  gate: "metric" | "golden-set" | "serving-sla";
  passed: boolean;
  detail: string;
  candidate?: number;
  production?: number;
  status?: string;
  evaluationId?: string;
};

export const decidePromotionInput = z.object({
  promotionId: z.string().min(1),
  approve: z.boolean(),
  comment: z.string().trim().max(1000).default(""),
  /** Approve although the golden-set gate FAILED; the comment is then the required reason (audited). */
  overrideGate: z.boolean().default(false),
});

export const decideRolloutInput = z.object({
  deploymentId: z.string().min(1),
  proceed: z.boolean(),
  reason: z.string().trim().min(1, "Say why").max(500),
});

export const cancelDeploymentInput = z.object({
  deploymentId: z.string().min(1),
  reason: z.string().trim().min(1, "Say why you are cancelling this deployment").max(500),
});

export const rollbackEndpointInput = z.object({
  endpointId: z.string().min(1),
  reason: z.string().trim().min(1, "Say why you are rolling back").max(500),
});
