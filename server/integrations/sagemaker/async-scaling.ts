import {
  ApplicationAutoScalingClient,
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from "@aws-sdk/client-application-auto-scaling";
import { DeleteAlarmsCommand, PutMetricAlarmCommand, type CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { DescribeEndpointCommandOutput, DescribeEndpointConfigCommandOutput } from "@aws-sdk/client-sagemaker";
import { asyncScalingSchema, type AsyncScaling } from "@/contracts/async-serving";
import type { SageMakerApi } from "@/server/integrations/sagemaker/api";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import { SageMakerRequestError } from "@/server/integrations/sagemaker/errors";
import { TAG_ASYNC_SCALING } from "@/server/integrations/sagemaker/names";
import { callWithRetry, type RetryPolicy } from "@/server/integrations/sagemaker/retry";

const NAMESPACE = "sagemaker";
const DIMENSION = "sagemaker:variant:DesiredInstanceCount";
/** Target tracking on the queue per instance; its name is fixed so a later apply overwrites it in place. */
export const BACKLOG_POLICY = "modelport-backlog-per-instance";
/** Step scaling from zero: target tracking cannot leave zero instances (its metric is per instance). */
export const WAKE_POLICY = "modelport-wake-from-zero";
const SCALE_IN_COOLDOWN_SECONDS = 300;
const SCALE_OUT_COOLDOWN_SECONDS = 60;

export const scalingResourceId = (endpointName: string, variantName: string) =>
  `endpoint/${endpointName}/variant/${variantName}`;
export const wakeAlarmName = (endpointName: string) => `modelport-${endpointName}-backlog-without-capacity`;

/** The real Application Auto Scaling client for a config (retries are ours). */
export function createAutoScalingClient(config: SageMakerConfig): ApplicationAutoScalingClient {
  return new ApplicationAutoScalingClient({
    region: config.region,
    maxAttempts: 1,
    ...(config.autoScalingEndpointUrl && { endpoint: config.autoScalingEndpointUrl }),
  });
}

const isObjectNotFound = (error: unknown) =>
  error instanceof SageMakerRequestError && error.awsErrorName === "ObjectNotFoundException";

/**
 * An asynchronous endpoint's instance count follows its backlog: Application Auto Scaling's scalable target on the
 * variant, a target-tracking policy on `ApproximateBacklogSizePerInstance` and, when it may sleep (minimum 0), a
 * step policy that a CloudWatch alarm on `HasBacklogWithoutCapacity` fires to start the first instance. What is
 * applied always follows the config the endpoint serves now (its scaling tag), so a rolled-back update gets the old
 * config's scaling back.
 */
export class AsyncScalingApi {
  constructor(
    private readonly autoScaling: ApplicationAutoScalingClient,
    private readonly cloudWatch: CloudWatchClient,
    private readonly sagemaker: SageMakerApi,
    private readonly retry: RetryPolicy,
  ) {}

  private call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    return callWithRetry(operation, this.retry, send);
  }

  /** Makes the endpoint's scaling what its serving config asks for (none for a real-time or unscaled config). */
  async reconcile(live: DescribeEndpointCommandOutput): Promise<void> {
    const endpointName = live.EndpointName ?? "";
    if (live.EndpointStatus !== "InService") return;
    const config = live.EndpointConfigName
      ? await this.sagemaker.describeEndpointConfig(live.EndpointConfigName)
      : undefined;
    const wanted = config?.AsyncInferenceConfig ? await this.scalingOf(config) : null;
    const variants = (live.ProductionVariants ?? []).map((variant) => variant.VariantName ?? "");
    if (!wanted) {
      for (const variant of await this.registeredVariants(endpointName)) await this.remove(endpointName, variant);
      return;
    }
    for (const variant of variants) await this.apply(endpointName, variant, wanted);
  }

  /**
   * Before an UpdateEndpoint: SageMaker refuses an update that changes the instance type of, or removes, a variant
   * Application Auto Scaling manages, so such a variant's scaling goes first (reconcile puts it back once settled).
   */
  async releaseBeforeUpdate(
    endpointName: string,
    liveConfig: Pick<DescribeEndpointConfigCommandOutput, "ProductionVariants"> | undefined,
    wanted: { VariantName: string; InstanceType: string }[],
  ): Promise<void> {
    const liveTypes = new Map((liveConfig?.ProductionVariants ?? []).map((v) => [v.VariantName, v.InstanceType]));
    for (const variant of await this.registeredVariants(endpointName)) {
      const next = wanted.find((candidate) => candidate.VariantName === variant);
      if (!next || !liveConfig || next.InstanceType !== liveTypes.get(variant))
        await this.remove(endpointName, variant);
    }
  }

  /** Everything scaling left behind for an endpoint being deleted (SageMaker deregisters its targets, not alarms). */
  async removeAll(endpointName: string): Promise<void> {
    for (const variant of await this.registeredVariants(endpointName)) await this.remove(endpointName, variant);
    await this.call("DeleteAlarms", () =>
      this.cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: [wakeAlarmName(endpointName)] })),
    );
  }

  private async scalingOf(config: DescribeEndpointConfigCommandOutput): Promise<AsyncScaling | null> {
    if (!config.EndpointConfigArn) return null;
    const tags = await this.sagemaker.listTags(config.EndpointConfigArn);
    const text = tags.find((tag) => tag.Key === TAG_ASYNC_SCALING)?.Value;
    if (!text) return null;
    const parsed = asyncScalingSchema.safeParse(parseJson(text));
    return parsed.success ? parsed.data : null;
  }

  private async registeredVariants(endpointName: string): Promise<string[]> {
    const prefix = `endpoint/${endpointName}/variant/`;
    const ids: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.call("DescribeScalableTargets", () =>
        this.autoScaling.send(
          new DescribeScalableTargetsCommand({ ServiceNamespace: NAMESPACE, ScalableDimension: DIMENSION, NextToken }),
        ),
      );
      ids.push(...(page.ScalableTargets ?? []).map((target) => target.ResourceId ?? ""));
      NextToken = page.NextToken;
    } while (NextToken);
    return ids.filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
  }

  private async apply(endpointName: string, variantName: string, scaling: AsyncScaling): Promise<void> {
    const ResourceId = scalingResourceId(endpointName, variantName);
    const target = { ServiceNamespace: NAMESPACE, ResourceId, ScalableDimension: DIMENSION } as const;
    await this.call("RegisterScalableTarget", () =>
      this.autoScaling.send(
        new RegisterScalableTargetCommand({
          ...target,
          MinCapacity: scaling.minInstances,
          MaxCapacity: scaling.maxInstances,
        }),
      ),
    );
    await this.call("PutScalingPolicy", () =>
      this.autoScaling.send(
        new PutScalingPolicyCommand({
          ...target,
          PolicyName: BACKLOG_POLICY,
          PolicyType: "TargetTrackingScaling",
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: scaling.backlogPerInstance,
            CustomizedMetricSpecification: {
              MetricName: "ApproximateBacklogSizePerInstance",
              Namespace: "AWS/SageMaker",
              Dimensions: [{ Name: "EndpointName", Value: endpointName }],
              Statistic: "Average",
            },
            ScaleInCooldown: SCALE_IN_COOLDOWN_SECONDS,
            ScaleOutCooldown: SCALE_OUT_COOLDOWN_SECONDS,
          },
        }),
      ),
    );
    if (scaling.minInstances === 0) await this.applyWake(endpointName, target);
    else await this.removeWake(endpointName, target);
  }

  private async applyWake(
    endpointName: string,
    target: { ServiceNamespace: "sagemaker"; ResourceId: string; ScalableDimension: typeof DIMENSION },
  ): Promise<void> {
    const policy = await this.call("PutScalingPolicy", () =>
      this.autoScaling.send(
        new PutScalingPolicyCommand({
          ...target,
          PolicyName: WAKE_POLICY,
          PolicyType: "StepScaling",
          StepScalingPolicyConfiguration: {
            AdjustmentType: "ChangeInCapacity",
            MetricAggregationType: "Average",
            Cooldown: SCALE_OUT_COOLDOWN_SECONDS,
            StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
          },
        }),
      ),
    );
    await this.call("PutMetricAlarm", () =>
      this.cloudWatch.send(
        new PutMetricAlarmCommand({
          AlarmName: wakeAlarmName(endpointName),
          AlarmDescription: `Modelport: start an instance of ${endpointName} when requests wait with none running`,
          Namespace: "AWS/SageMaker",
          MetricName: "HasBacklogWithoutCapacity",
          Dimensions: [{ Name: "EndpointName", Value: endpointName }],
          Statistic: "Average",
          Period: 60,
          EvaluationPeriods: 2,
          DatapointsToAlarm: 2,
          Threshold: 1,
          ComparisonOperator: "GreaterThanOrEqualToThreshold",
          TreatMissingData: "missing",
          AlarmActions: policy.PolicyARN ? [policy.PolicyARN] : [],
        }),
      ),
    );
  }

  private async removeWake(
    endpointName: string,
    target: { ServiceNamespace: "sagemaker"; ResourceId: string; ScalableDimension: typeof DIMENSION },
  ): Promise<void> {
    await this.deletePolicy(target, WAKE_POLICY);
    await this.call("DeleteAlarms", () =>
      this.cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: [wakeAlarmName(endpointName)] })),
    );
  }

  private async remove(endpointName: string, variantName: string): Promise<void> {
    const target = {
      ServiceNamespace: NAMESPACE,
      ResourceId: scalingResourceId(endpointName, variantName),
      ScalableDimension: DIMENSION,
    } as const;
    await this.deletePolicy(target, BACKLOG_POLICY);
    await this.removeWake(endpointName, target);
    await this.call("DeregisterScalableTarget", () =>
      this.autoScaling.send(new DeregisterScalableTargetCommand(target)),
    ).catch(ignoreObjectNotFound);
  }

  private deletePolicy(
    target: { ServiceNamespace: "sagemaker"; ResourceId: string; ScalableDimension: typeof DIMENSION },
    PolicyName: string,
  ) {
    return this.call("DeleteScalingPolicy", () =>
      this.autoScaling.send(new DeleteScalingPolicyCommand({ ...target, PolicyName })),
    ).catch(ignoreObjectNotFound);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

function ignoreObjectNotFound(error: unknown): void {
  if (!isObjectNotFound(error)) throw error;
}
