import {
  ApplicationAutoScalingClient,
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalingPoliciesCommand,
  ObjectNotFoundException,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from "@aws-sdk/client-application-auto-scaling";
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  PutMetricAlarmCommand,
  ResourceNotFound,
} from "@aws-sdk/client-cloudwatch";
import { DescribeEndpointConfigCommand, ListTagsCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import type { AsyncServing } from "@/contracts/async-serving";
import { SageMakerApi } from "@/server/integrations/sagemaker/api";
import { AsyncScalingApi, BACKLOG_POLICY, WAKE_POLICY } from "@/server/integrations/sagemaker/async-scaling";
import { parseSageMakerConfig } from "@/server/integrations/sagemaker/config";
import { desiredEndpoint } from "@/server/integrations/sagemaker/desired-endpoint";
import { TAG_ASYNC_SCALING } from "@/server/integrations/sagemaker/names";
import { liveEndpoint, spec, testConfig, variant } from "@/tests/unit/sagemaker/helpers";

const SERVING: AsyncServing = {
  maxConcurrentInvocationsPerInstance: 8,
  invocationTimeoutSeconds: 600,
  scaling: { minInstances: 0, maxInstances: 4, backlogPerInstance: 10 },
};
const config = parseSageMakerConfig(testConfig({ s3KmsKeyId: "alias/modelport" }));
const asyncSpec = (serving: AsyncServing = SERVING) => ({
  ...spec(variant(1, 100)),
  captureRate: 1,
  asyncInference: serving,
});

describe("an asynchronous endpoint's config", () => {
  it("carries AsyncInferenceConfig (KMS key included), its scaling as a tag, and no data capture", () => {
    const desired = desiredEndpoint(asyncSpec(), config);
    expect(desired.configInput.AsyncInferenceConfig).toEqual({
      OutputConfig: {
        S3OutputPath: "s3://modelport-models/prod/async/fraud-detector/output",
        S3FailurePath: "s3://modelport-models/prod/async/fraud-detector/failure",
        KmsKeyId: "alias/modelport",
      },
      ClientConfig: { MaxConcurrentInvocationsPerInstance: 8 },
    });
    expect(desired.configInput.DataCaptureConfig).toBeUndefined();
    expect(desired.configInput.Tags).toContainEqual({
      Key: TAG_ASYNC_SCALING,
      Value: JSON.stringify({ backlogPerInstance: 10, maxInstances: 4, minInstances: 0 }),
    });
  });

  it("is another config when the scaling, the concurrency or the mode changes, and the same for the same spec", () => {
    const name = (serving?: AsyncServing) =>
      desiredEndpoint(serving ? asyncSpec(serving) : spec(variant(1, 100)), config).configName;
    const names = [
      name(SERVING),
      name({ ...SERVING, scaling: { ...SERVING.scaling!, maxInstances: 5 } }),
      name({ ...SERVING, maxConcurrentInvocationsPerInstance: 9 }),
      name({ ...SERVING, scaling: null }),
      name(),
    ];
    expect(new Set(names).size).toBe(names.length);
    expect(name(SERVING)).toBe(names[0]);
  });

  it("is refused with more than one variant, before any call", () => {
    const twoVariants = { ...spec(variant(1, 90), variant(2, 10)), asyncInference: SERVING };
    expect(() => desiredEndpoint(twoVariants, config)).toThrow(/asynchronous SageMaker endpoint serves one variant/);
  });
});

function scalingApi() {
  const autoScalingClient = new ApplicationAutoScalingClient({ region: "eu-west-1" });
  const cloudWatchClient = new CloudWatchClient({ region: "eu-west-1" });
  const sagemakerClient = new SageMakerClient({ region: "eu-west-1" });
  const autoScaling = mockClient(autoScalingClient);
  const cloudWatch = mockClient(cloudWatchClient);
  const sagemaker = mockClient(sagemakerClient);
  autoScaling.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [] });
  const retry = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 };
  const api = new AsyncScalingApi(autoScalingClient, cloudWatchClient, new SageMakerApi(sagemakerClient, retry), retry);
  return { api, autoScaling, cloudWatch, sagemaker };
}

const alarmNotFound = () =>
  new ResourceNotFound({ message: "No alarm named modelport-fraud-detector-backlog-without-capacity", $metadata: {} });
const notFound = () =>
  new ObjectNotFoundException({ message: "No scaling policy found", $metadata: { httpStatusCode: 400 } });

describe("backlog scaling follows the config that serves", () => {
  it("registers the variant (minimum 0), tracks the backlog per instance and wires the wake alarm to the step policy", async () => {
    const { api, autoScaling, cloudWatch, sagemaker } = scalingApi();
    sagemaker.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: "cfg",
      EndpointConfigArn: "arn:aws:sagemaker:eu-west-1:123456789012:endpoint-config/cfg",
      AsyncInferenceConfig: { OutputConfig: { S3OutputPath: "s3://b/o" } },
    });
    sagemaker.on(ListTagsCommand).resolves({
      Tags: [{ Key: TAG_ASYNC_SCALING, Value: JSON.stringify(SERVING.scaling) }],
    });
    autoScaling.on(PutScalingPolicyCommand, { PolicyName: WAKE_POLICY }).resolves({ PolicyARN: "arn:wake" });
    autoScaling.on(PutScalingPolicyCommand, { PolicyName: BACKLOG_POLICY }).resolves({ PolicyARN: "arn:backlog" });
    await api.reconcile(liveEndpoint({ EndpointConfigName: "cfg" }));
    expect(autoScaling.commandCalls(RegisterScalableTargetCommand)[0]?.args[0].input).toEqual({
      ServiceNamespace: "sagemaker",
      ResourceId: "endpoint/fraud-detector/variant/fraud-xgb-v1",
      ScalableDimension: "sagemaker:variant:DesiredInstanceCount",
      MinCapacity: 0,
      MaxCapacity: 4,
    });
    const policies = autoScaling.commandCalls(PutScalingPolicyCommand).map((call) => call.args[0].input);
    expect(policies.map((policy) => policy.PolicyType)).toEqual(["TargetTrackingScaling", "StepScaling"]);
    expect(policies[0]?.TargetTrackingScalingPolicyConfiguration?.TargetValue).toBe(10);
    expect(cloudWatch.commandCalls(PutMetricAlarmCommand)[0]?.args[0].input).toMatchObject({
      MetricName: "HasBacklogWithoutCapacity",
      Dimensions: [{ Name: "EndpointName", Value: "fraud-detector" }],
      AlarmActions: ["arn:wake"],
    });
  });

  it("with a minimum above 0 there is no wake policy nor alarm (removing absent ones is not an error)", async () => {
    const { api, autoScaling, cloudWatch, sagemaker } = scalingApi();
    sagemaker.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigArn: "arn:cfg",
      AsyncInferenceConfig: { OutputConfig: { S3OutputPath: "s3://b/o" } },
    });
    sagemaker.on(ListTagsCommand).resolves({
      Tags: [{ Key: TAG_ASYNC_SCALING, Value: JSON.stringify({ ...SERVING.scaling, minInstances: 1 }) }],
    });
    autoScaling.on(PutScalingPolicyCommand).resolves({ PolicyARN: "arn:backlog" });
    autoScaling.on(DeleteScalingPolicyCommand).rejects(notFound());
    cloudWatch.on(DeleteAlarmsCommand).rejects(alarmNotFound());
    await api.reconcile(liveEndpoint());
    expect(autoScaling.commandCalls(PutScalingPolicyCommand)).toHaveLength(1);
    expect(autoScaling.commandCalls(DeleteScalingPolicyCommand)[0]?.args[0].input.PolicyName).toBe(WAKE_POLICY);
    expect(cloudWatch.commandCalls(DeleteAlarmsCommand)).toHaveLength(1);
    expect(cloudWatch.commandCalls(PutMetricAlarmCommand)).toHaveLength(0);
  });

  it("a config without scaling loses ours (only this endpoint's), absent alarms are no error; an unreadable tag scales nothing", async () => {
    const { api, autoScaling, cloudWatch, sagemaker } = scalingApi();
    cloudWatch.on(DeleteAlarmsCommand).rejects(alarmNotFound());
    sagemaker.on(DescribeEndpointConfigCommand).resolves({ EndpointConfigArn: "arn:cfg" });
    const policy = (ResourceId: string) => ({
      PolicyARN: `arn:${ResourceId}`,
      PolicyName: BACKLOG_POLICY,
      ServiceNamespace: "sagemaker" as const,
      ResourceId,
      ScalableDimension: "sagemaker:variant:DesiredInstanceCount" as const,
      PolicyType: "TargetTrackingScaling" as const,
      CreationTime: new Date(0),
    });
    autoScaling.on(DescribeScalingPoliciesCommand).resolves({
      ScalingPolicies: [
        policy("endpoint/fraud-detector/variant/fraud-xgb-v1"),
        policy("endpoint/fraud-detector-2/variant/primary"),
      ],
    });
    await api.reconcile(liveEndpoint());
    const deregistered = autoScaling
      .commandCalls(DeregisterScalableTargetCommand)
      .map((c) => c.args[0].input.ResourceId);
    expect(deregistered).toEqual(["endpoint/fraud-detector/variant/fraud-xgb-v1"]);

    const second = scalingApi();
    second.sagemaker.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigArn: "arn:cfg",
      AsyncInferenceConfig: { OutputConfig: { S3OutputPath: "s3://b/o" } },
    });
    second.sagemaker.on(ListTagsCommand).resolves({ Tags: [{ Key: TAG_ASYNC_SCALING, Value: "{not json" }] });
    second.autoScaling.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [] });
    await second.api.reconcile(liveEndpoint());
    expect(second.autoScaling.commandCalls(RegisterScalableTargetCommand)).toHaveLength(0);
  });
});
