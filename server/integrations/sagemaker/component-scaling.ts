import {
  DeregisterScalableTargetCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  type ApplicationAutoScalingClient,
} from "@aws-sdk/client-application-auto-scaling";
import { DeleteAlarmsCommand, PutMetricAlarmCommand, type CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ignoreWhen, isAlarmNotFound, isObjectNotFound } from "@/server/integrations/sagemaker/errors";
import { callWithRetry, type RetryPolicy } from "@/server/integrations/sagemaker/retry";

const NAMESPACE = "sagemaker" as const;
const DIMENSION = "sagemaker:inference-component:DesiredCopyCount" as const;
/** Target tracking on invocations per copy: more copies under load, down to 0 when idle. */
export const COPIES_POLICY = "modelport-invocations-per-copy";
/** Step scaling from zero: target tracking cannot leave 0 copies (its metric is per copy). */
export const COMPONENT_WAKE_POLICY = "modelport-wake-component";
const SCALE_IN_COOLDOWN_SECONDS = 300;
const SCALE_OUT_COOLDOWN_SECONDS = 60;

/** How a component's copy count follows its traffic: up to `maxCopies`, about `invocationsPerCopy` a minute each. */
export type ComponentScaling = { maxCopies: number; invocationsPerCopy: number };

export const componentResourceId = (componentName: string) => `inference-component/${componentName}`;
export const componentWakeAlarmName = (componentName: string) => `modelport-${componentName}-no-capacity`;

const scalingTarget = (componentName: string) => ({
  ServiceNamespace: NAMESPACE,
  ResourceId: componentResourceId(componentName),
  ScalableDimension: DIMENSION,
});

/**
 * Scale to zero for a component (SageMaker's "scale an endpoint to zero instances"): Application Auto Scaling tracks
 * invocations per copy with a minimum of 0 copies, and a CloudWatch alarm on `NoCapacityInvocationFailures` (one
 * request refused for want of a copy is enough) fires a step policy that starts the first copy again; SageMaker adds
 * and releases the instances the copies need (the endpoint's managed instance scaling has a minimum of 0).
 */
export class ComponentScalingApi {
  constructor(
    private readonly autoScaling: ApplicationAutoScalingClient,
    private readonly cloudWatch: CloudWatchClient,
    private readonly retry: RetryPolicy,
  ) {}

  private call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    return callWithRetry(operation, this.retry, send);
  }

  async apply(componentName: string, scaling: ComponentScaling): Promise<void> {
    const target = scalingTarget(componentName);
    await this.call("RegisterScalableTarget", () =>
      this.autoScaling.send(
        new RegisterScalableTargetCommand({ ...target, MinCapacity: 0, MaxCapacity: scaling.maxCopies }),
      ),
    );
    await this.call("PutScalingPolicy", () =>
      this.autoScaling.send(
        new PutScalingPolicyCommand({
          ...target,
          PolicyName: COPIES_POLICY,
          PolicyType: "TargetTrackingScaling",
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: scaling.invocationsPerCopy,
            PredefinedMetricSpecification: { PredefinedMetricType: "SageMakerInferenceComponentInvocationsPerCopy" },
            ScaleInCooldown: SCALE_IN_COOLDOWN_SECONDS,
            ScaleOutCooldown: SCALE_OUT_COOLDOWN_SECONDS,
          },
        }),
      ),
    );
    const wake = await this.call("PutScalingPolicy", () =>
      this.autoScaling.send(
        new PutScalingPolicyCommand({
          ...target,
          PolicyName: COMPONENT_WAKE_POLICY,
          PolicyType: "StepScaling",
          StepScalingPolicyConfiguration: {
            AdjustmentType: "ChangeInCapacity",
            MetricAggregationType: "Maximum",
            Cooldown: SCALE_OUT_COOLDOWN_SECONDS,
            StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
          },
        }),
      ),
    );
    // An alarm without the policy to fire would leave the component asleep for ever, refusing every request.
    if (!wake.PolicyARN)
      throw new Error(`PutScalingPolicy ${COMPONENT_WAKE_POLICY} on ${componentName} answered no PolicyARN`);
    const PolicyARN = wake.PolicyARN;
    await this.call("PutMetricAlarm", () =>
      this.cloudWatch.send(
        new PutMetricAlarmCommand({
          AlarmName: componentWakeAlarmName(componentName),
          AlarmDescription: `Modelport: start a copy of ${componentName} when a request finds none running`,
          Namespace: "AWS/SageMaker",
          MetricName: "NoCapacityInvocationFailures",
          Dimensions: [{ Name: "InferenceComponentName", Value: componentName }],
          Statistic: "Maximum",
          Period: 60,
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          Threshold: 1,
          ComparisonOperator: "GreaterThanOrEqualToThreshold",
          TreatMissingData: "missing",
          AlarmActions: [PolicyARN],
        }),
      ),
    );
  }

  /** The component's target (Application Auto Scaling deletes its policies with it) and its wake alarm. */
  async remove(componentName: string): Promise<void> {
    await this.call("DeregisterScalableTarget", () =>
      this.autoScaling.send(new DeregisterScalableTargetCommand(scalingTarget(componentName))),
    ).catch(ignoreWhen(isObjectNotFound));
    await this.call("DeleteAlarms", () =>
      this.cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: [componentWakeAlarmName(componentName)] })),
    ).catch(ignoreWhen(isAlarmNotFound));
  }
}
