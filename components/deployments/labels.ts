import type { BadgeTone } from "@/components/ui/badge";
import {
  isActiveDeploymentStatus,
  type DeploymentEnvironment,
  type DeploymentStatus,
  type DeploymentTargetKind,
} from "@/contracts/enums";
import type { rolloutStrategySchema } from "@/contracts/deployments";
import type { z } from "zod";

export type RolloutStrategy = z.infer<typeof rolloutStrategySchema>;

export const ENVIRONMENTS = ["STAGING", "PRODUCTION"] as const satisfies readonly DeploymentEnvironment[];
export const TARGETS = ["LOCAL", "SAGEMAKER", "KUBERNETES"] as const satisfies readonly DeploymentTargetKind[];

export const ENVIRONMENT_LABELS: Record<DeploymentEnvironment, string> = {
  STAGING: "Staging",
  PRODUCTION: "Production",
};
export const TARGET_LABELS: Record<DeploymentTargetKind, string> = {
  LOCAL: "Local runtime",
  SAGEMAKER: "SageMaker",
  KUBERNETES: "Kubernetes",
};

export const STATUS_LABELS: Record<DeploymentStatus, string> = {
  QUEUED: "Queued",
  RUNNING: "Running",
  ROLLING_BACK: "Rolling back",
  AWAITING_DECISION: "Waiting for a decision",
  SUCCEEDED: "Healthy",
  FAILED: "Failed",
  ROLLED_BACK: "Rolled back",
};

export const STATUS_TONES: Record<DeploymentStatus, BadgeTone> = {
  QUEUED: "gray",
  RUNNING: "indigo",
  ROLLING_BACK: "amber",
  AWAITING_DECISION: "amber",
  SUCCEEDED: "green",
  FAILED: "red",
  ROLLED_BACK: "amber",
};

/** Whether a deployment may still change, so its page keeps polling. */
export const isActiveStatus = isActiveDeploymentStatus;

/** "All at once", "Canary 10%, bake 5m 00s", "Linear 25% steps, bake 30s each". */
export function strategySummary(strategy: RolloutStrategy): string {
  switch (strategy.kind) {
    case "all-at-once":
      return "All at once";
    case "canary":
      return `Canary ${strategy.canaryPercent}%, bake ${formatSeconds(strategy.bakeSeconds)}${tooFewNote(strategy)}`;
    case "linear":
      return `Linear ${strategy.stepPercent}% steps, bake ${formatSeconds(strategy.stepBakeSeconds)} each${tooFewNote(strategy)}`;
  }
}

const tooFewNote = (strategy: { tooFewRequests: "ask" | "roll-back" }) =>
  strategy.tooFewRequests === "roll-back" ? "; rolls back if too few requests" : "";

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes}m` : `${minutes}m ${String(rest).padStart(2, "0")}s`;
}

export const deploymentHref = (id: string) => `/deployments/${encodeURIComponent(id)}`;
