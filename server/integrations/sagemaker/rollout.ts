import type { DeploymentConfig } from "@aws-sdk/client-sagemaker";
import { badRequest } from "@/server/errors";
import type { RolloutStrategy } from "@/server/integrations/targets/deployment-target";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";

const MAX_WAIT_SECONDS = 3600;

function assertWhole(value: number, min: number, max: number, what: string) {
  if (!Number.isInteger(value) || value < min || value > max)
    throw badRequest(`${what} must be a whole number from ${min} to ${max} on SageMaker (got ${value})`);
}

function trafficRouting(rollout: RolloutStrategy) {
  switch (rollout.kind) {
    case "all-at-once":
      return { routing: { Type: "ALL_AT_ONCE" as const, WaitIntervalInSeconds: 0 }, waitSeconds: 0 };
    case "canary":
      assertWhole(rollout.canaryPercent, 1, 50, "The canary size in percent");
      assertWhole(rollout.bakeSeconds, 0, MAX_WAIT_SECONDS, "The canary bake time in seconds");
      return {
        routing: {
          Type: "CANARY" as const,
          CanarySize: { Type: "CAPACITY_PERCENT" as const, Value: rollout.canaryPercent },
          WaitIntervalInSeconds: rollout.bakeSeconds,
        },
        waitSeconds: rollout.bakeSeconds,
      };
    case "linear":
      assertWhole(rollout.stepPercent, 10, 50, "The linear step size in percent");
      assertWhole(rollout.stepBakeSeconds, 0, MAX_WAIT_SECONDS, "The linear step bake time in seconds");
      return {
        routing: {
          Type: "LINEAR" as const,
          LinearStepSize: { Type: "CAPACITY_PERCENT" as const, Value: rollout.stepPercent },
          WaitIntervalInSeconds: rollout.stepBakeSeconds,
        },
        waitSeconds: Math.ceil(100 / rollout.stepPercent) * rollout.stepBakeSeconds,
      };
  }
}

/**
 * The blue/green DeploymentConfig for UpdateEndpoint: SageMaker shifts traffic from the old fleet to the new one by
 * the strategy and rolls back by itself when one of the configured CloudWatch alarms fires.
 */
export function deploymentConfigFor(rollout: RolloutStrategy, config: SageMakerConfig): DeploymentConfig {
  const { routing, waitSeconds } = trafficRouting(rollout);
  const totalWait = waitSeconds + config.terminationWaitSeconds;
  if (totalWait >= config.maxExecutionSeconds) {
    throw badRequest(
      `The rollout waits ${totalWait} s in total, more than the ${config.maxExecutionSeconds} s SageMaker is allowed to run a deployment`,
    );
  }
  return {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: routing,
      TerminationWaitInSeconds: config.terminationWaitSeconds,
      MaximumExecutionTimeoutInSeconds: config.maxExecutionSeconds,
    },
    ...(config.rollbackAlarmNames.length > 0 && {
      AutoRollbackConfiguration: { Alarms: config.rollbackAlarmNames.map((AlarmName) => ({ AlarmName })) },
    }),
  };
}

/** SageMaker's guardrails (canary, linear) need the new config to keep the live variant names; all-at-once does not. */
export function assertRolloutFits(
  rollout: RolloutStrategy,
  liveVariants: readonly string[],
  wantedVariants: readonly string[],
): void {
  if (rollout.kind === "all-at-once") return;
  const same =
    liveVariants.length === wantedVariants.length && liveVariants.every((name) => wantedVariants.includes(name));
  if (!same) {
    throw badRequest(
      `SageMaker ${rollout.kind} traffic shifting needs the same variant names as the live endpoint (live: ${liveVariants.join(", ")}; new: ${wantedVariants.join(", ")}). ` +
        "Add the new version as a variant and shift weights instead, or roll out all at once.",
    );
  }
}
