import {
  ApplicationAutoScalingClient,
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from "@aws-sdk/client-application-auto-scaling";
import { DeleteAlarmsCommand, PutMetricAlarmCommand, type CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { DescribeEndpointCommandOutput, DescribeEndpointConfigCommandOutput } from "@aws-sdk/client-sagemaker";
import { asyncScalingSchema, type AsyncScaling } from "@/contracts/async-serving";
import type { SageMakerApi } from "@/server/integrations/sagemaker/api";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import { ignoreWhen, isAlarmNotFound, isObjectNotFound } from "@/server/integrations/sagemaker/errors";
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

type ScalingTarget = { ServiceNamespace: typeof NAMESPACE; ResourceId: string; ScalableDimension: typeof DIMENSION };
const scalingTarget = (endpointName: string, variantName: string): ScalingTarget => ({
  ServiceNamespace: NAMESPACE,
  ResourceId: scalingResourceId(endpointName, variantName),
  ScalableDimension: DIMENSION,
});

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

  /**
   * Makes the endpoint's scaling what its serving config asks for: its variants registered with the config's bounds
   * and policies, and ours removed from variants it no longer has (or all, for a config without scaling). Scaling
   * someone else registered (no policy of ours) is left alone.
   */
  async reconcile(live: DescribeEndpointCommandOutput): Promise<void> {
    const endpointName = live.EndpointName ?? "";
    if (live.EndpointStatus !== "InService") return;
    const config = live.EndpointConfigName
      ? await this.sagemaker.describeEndpointConfig(live.EndpointConfigName)
      : undefined;
    const wanted = config?.AsyncInferenceConfig ? await this.scalingOf(config) : null;
    const variants = wanted ? (live.ProductionVariants ?? []).map((variant) => variant.VariantName ?? "") : [];
    for (const variant of await this.ownedVariants(endpointName))
      if (!variants.includes(variant)) await this.deregister(endpointName, variant);
    if (!wanted) {
      await this.deleteWakeAlarm(endpointName);
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
    for (const variant of await this.ownedVariants(endpointName)) {
      const next = wanted.find((candidate) => candidate.VariantName === variant);
      if (!next || !liveConfig || next.InstanceType !== liveTypes.get(variant))
        await this.deregister(endpointName, variant);
    }
  }

  /** All our scaling of the endpoint: its targets (SageMaker deletes their policies with them) and its wake alarm. */
  async removeAll(endpointName: string): Promise<void> {
    for (const variant of await this.ownedVariants(endpointName)) await this.deregister(endpointName, variant);
    await this.deleteWakeAlarm(endpointName);
  }

  private async scalingOf(config: DescribeEndpointConfigCommandOutput): Promise<AsyncScaling | null> {
    if (!config.EndpointConfigArn) return null;
    const tags = await this.sagemaker.listTags(config.EndpointConfigArn);
    const text = tags.find((tag) => tag.Key === TAG_ASYNC_SCALING)?.Value;
    if (!text) return null;
    const parsed = asyncScalingSchema.safeParse(parseJson(text));
    return parsed.success ? parsed.data : null;
  }

  /** The endpoint's variants that carry our backlog policy: the scaling Modelport registered. */
  private async ownedVariants(endpointName: string): Promise<string[]> {
    const prefix = `endpoint/${endpointName}/variant/`;
    const ids: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.call("DescribeScalingPolicies", () =>
        this.autoScaling.send(
          new DescribeScalingPoliciesCommand({ ServiceNamespace: NAMESPACE, PolicyNames: [BACKLOG_POLICY], NextToken }),
        ),
      );
      ids.push(...(page.ScalingPolicies ?? []).map((policy) => policy.ResourceId ?? ""));
      NextToken = page.NextToken;
    } while (NextToken);
    return ids.filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
  }

  private async apply(endpointName: string, variantName: string, scaling: AsyncScaling): Promise<void> {
    const target = scalingTarget(endpointName, variantName);
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

  private async applyWake(endpointName: string, target: ScalingTarget): Promise<void> {
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
    // An alarm without the policy to fire would leave the endpoint asleep for ever with requests waiting.
    if (!policy.PolicyARN) throw new Error(`PutScalingPolicy ${WAKE_POLICY} on ${endpointName} answered no PolicyARN`);
    const PolicyARN = policy.PolicyARN;
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
          AlarmActions: [PolicyARN],
        }),
      ),
    );
  }

  private async removeWake(endpointName: string, target: ScalingTarget): Promise<void> {
    await this.call("DeleteScalingPolicy", () =>
      this.autoScaling.send(new DeleteScalingPolicyCommand({ ...target, PolicyName: WAKE_POLICY })),
    ).catch(ignoreWhen(isObjectNotFound));
    await this.deleteWakeAlarm(endpointName);
  }

  private deleteWakeAlarm(endpointName: string) {
    return this.call("DeleteAlarms", () =>
      this.cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: [wakeAlarmName(endpointName)] })),
    ).catch(ignoreWhen(isAlarmNotFound));
  }

  private deregister(endpointName: string, variantName: string) {
    return this.call("DeregisterScalableTarget", () =>
      this.autoScaling.send(new DeregisterScalableTargetCommand(scalingTarget(endpointName, variantName))),
    ).catch(ignoreWhen(isObjectNotFound));
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
