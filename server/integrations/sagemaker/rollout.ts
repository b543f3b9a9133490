import type { DeploymentConfig, TrafficRoutingConfig } from "@aws-sdk/client-sagemaker";
import type { RolloutStrategy } from "@/server/integrations/targets/deployment-target";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import { permanent } from "@/server/integrations/sagemaker/errors";

/** SageMaker's limits (API reference: TrafficRoutingConfig, CapacitySize). */
const MAX_WAIT_INTERVAL_SECONDS = 3600;
const CANARY_PERCENT = { min: 1, max: 50 };
const LINEAR_STEP_PERCENT = { min: 10, max: 50 };

type Routing = { routing: TrafficRoutingConfig; waitSeconds: number };

function assertWhole(value: number, range: { min: number; max: number }, what: string) {
  if (!Number.isInteger(value) || value < range.min || value > range.max)
    throw permanent(`${what} must be a whole number from ${range.min} to ${range.max} on SageMaker (got ${value})`);
}

const assertWait = (seconds: number, what: string) =>
  assertWhole(seconds, { min: 0, max: MAX_WAIT_INTERVAL_SECONDS }, `${what} (SageMaker's WaitIntervalInSeconds)`);

/** The strategy in SageMaker's terms; sizes are shares of the new fleet's capacity, as the strategy's are of traffic. */
function routingFor(rollout: RolloutStrategy): Routing {
  switch (rollout.kind) {
    case "all-at-once":
      return { routing: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 }, waitSeconds: 0 };
    case "canary":
      assertWhole(rollout.canaryPercent, CANARY_PERCENT, "The canary size in percent");
      assertWait(rollout.bakeSeconds, "The canary bake time in seconds");
      return {
        routing: {
          Type: "CANARY",
          CanarySize: { Type: "CAPACITY_PERCENT", Value: rollout.canaryPercent },
          WaitIntervalInSeconds: rollout.bakeSeconds,
        },
        waitSeconds: rollout.bakeSeconds,
      };
    case "linear":
      assertWhole(rollout.stepPercent, LINEAR_STEP_PERCENT, "The linear step size in percent");
      assertWait(rollout.stepBakeSeconds, "The linear step bake time in seconds");
      return {
        routing: {
          Type: "LINEAR",
          LinearStepSize: { Type: "CAPACITY_PERCENT", Value: rollout.stepPercent },
          WaitIntervalInSeconds: rollout.stepBakeSeconds,
        },
        waitSeconds: Math.ceil(100 / rollout.stepPercent) * rollout.stepBakeSeconds,
      };
  }
}

/** Without alarms SageMaker has nothing to watch while it bakes, so a canary would only be a slow all-at-once. */
function assertAlarmsFor(rollout: RolloutStrategy, config: SageMakerConfig) {
  if (rollout.kind === "all-at-once" || config.rollbackAlarmNames.length > 0) return;
  throw permanent(
    `A SageMaker ${rollout.kind} rollout needs CloudWatch alarms to roll back on, and none are configured: ` +
      "set MODELPORT_SAGEMAKER_ROLLBACK_ALARMS (comma-separated alarm names) or roll out all at once.",
  );
}

/**
 * The DeploymentConfig of a release: SageMaker starts a new (green) fleet, shifts traffic to it by the strategy, bakes
 * each step and rolls back by itself when one of the configured CloudWatch alarms fires. Everything SageMaker would
 * refuse is refused here, before any call.
 */
export function releaseDeploymentConfig(rollout: RolloutStrategy, config: SageMakerConfig): DeploymentConfig {
  const { routing, waitSeconds } = routingFor(rollout);
  assertAlarmsFor(rollout, config);
  const totalWait = waitSeconds + config.terminationWaitSeconds;
  if (totalWait >= config.maxExecutionSeconds) {
    throw permanent(
      `The rollout waits ${totalWait} s in total, more than the ${config.maxExecutionSeconds} s SageMaker is allowed to run a deployment (MODELPORT_SAGEMAKER_MAX_EXECUTION_SECONDS)`,
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

/**
 * The DeploymentConfig of a restore (back to what served before): all at once and watching no alarms, since the alarms
 * that failed the release may still be firing and would roll the restore back as well.
 */
export function restoreDeploymentConfig(config: SageMakerConfig): DeploymentConfig {
  return {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 },
      MaximumExecutionTimeoutInSeconds: config.maxExecutionSeconds,
    },
  };
}

/** SageMaker's guardrails (canary, linear) need the new config to keep the live variant names; all-at-once does not. */
export function assertRolloutFits(
  rollout: RolloutStrategy | undefined,
  liveVariants: readonly string[],
  wantedVariants: readonly string[],
): void {
  if (rollout === undefined || rollout.kind === "all-at-once") return;
  const same =
    liveVariants.length === wantedVariants.length && liveVariants.every((name) => wantedVariants.includes(name));
  if (!same) {
    throw permanent(
      `SageMaker ${rollout.kind} traffic shifting needs the same variant names as the live endpoint (live: ${liveVariants.join(", ")}; new: ${wantedVariants.join(", ")}). ` +
        "Endpoints that an earlier Modelport named per version move to the stable slot with one all-at-once rollout.",
    );
  }
}
