import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
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
import {
  CreateInferenceComponentCommand,
  DeleteInferenceComponentCommand,
  DescribeInferenceComponentCommand,
  ListInferenceComponentsCommand,
  type InferenceComponentStatus,
  SageMakerClient,
  SageMakerServiceException,
  UpdateInferenceComponentRuntimeConfigCommand,
} from "@aws-sdk/client-sagemaker";
import { InvokeEndpointCommand, SageMakerRuntimeClient, ValidationError } from "@aws-sdk/client-sagemaker-runtime";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { SageMakerComponentInvoker } from "@/server/integrations/sagemaker/component-invoker";
import {
  COMPONENT_WAKE_POLICY,
  COPIES_POLICY,
  ComponentScalingApi,
} from "@/server/integrations/sagemaker/component-scaling";
import {
  componentEndpointConfig,
  componentResourceName,
  InferenceComponentsApi,
  reconcileComponents,
  type ComponentEndpointSpec,
} from "@/server/integrations/sagemaker/inference-components";
import { ROLE } from "@/tests/unit/sagemaker/helpers";

const RETRY = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
const ENDPOINT = "fraud-many";
const component = (key: string, copies = 1) => ({
  name: componentResourceName(ENDPOINT, key),
  modelName: `model-${key}`,
  copies,
  cpuCores: 1,
  memoryMb: 1024,
});
const spec = (components: ComponentEndpointSpec["components"]): ComponentEndpointSpec => ({
  endpointName: ENDPOINT,
  instanceType: "ml.m5.large",
  minInstances: 0,
  maxInstances: 2,
  components,
});
const described = (name: string, status: InferenceComponentStatus, desired: number, current = desired) => ({
  InferenceComponentName: name,
  InferenceComponentStatus: status,
  RuntimeConfig: { DesiredCopyCount: desired, CurrentCopyCount: current },
  Specification: { ModelName: "m" },
  FailureReason: status === "Failed" ? "The model could not be loaded" : undefined,
});
/** A list entry as SageMaker returns it (every required field of InferenceComponentSummary). */
const summary = (name: string, status: InferenceComponentStatus = "InService") => ({
  InferenceComponentName: name,
  InferenceComponentStatus: status,
  InferenceComponentArn: `arn:aws:sagemaker:eu-west-1:123456789012:inference-component/${name}`,
  EndpointName: ENDPOINT,
  EndpointArn: `arn:aws:sagemaker:eu-west-1:123456789012:endpoint/${ENDPOINT}`,
  VariantName: "primary",
  CreationTime: new Date(0),
  LastModifiedTime: new Date(0),
});

describe("an endpoint of inference components", () => {
  it("names no model on its one variant, carries the role, manages instances down to the minimum", () => {
    const config = componentEndpointConfig(spec([]), ROLE);
    expect(config).toMatchObject({
      ExecutionRoleArn: ROLE,
      ProductionVariants: [
        {
          VariantName: "primary",
          InstanceType: "ml.m5.large",
          InitialInstanceCount: 1,
          ManagedInstanceScaling: { Status: "ENABLED", MinInstanceCount: 0, MaxInstanceCount: 2 },
          RoutingConfig: { RoutingStrategy: "LEAST_OUTSTANDING_REQUESTS" },
        },
      ],
    });
    expect(config.ProductionVariants?.[0]).not.toHaveProperty("ModelName");
    expect(componentEndpointConfig({ ...spec([]), minInstances: 2 }, ROLE).ProductionVariants?.[0]).toMatchObject({
      InitialInstanceCount: 2,
    });
    expect(componentEndpointConfig({ ...spec([]), maxInstances: 3 }, ROLE).EndpointConfigName).not.toBe(
      config.EndpointConfigName,
    );
  });

  it("names components within SageMaker's rules, the same for the same model", () => {
    const name = componentResourceName("a".repeat(80), "model-x");
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/);
    expect(componentResourceName(ENDPOINT, "m")).toBe(componentResourceName(ENDPOINT, "m"));
    expect(componentResourceName(ENDPOINT, "m")).not.toBe(componentResourceName(ENDPOINT, "n"));
  });
});

describe("reconciling components", () => {
  const setup = () => {
    const sagemaker = mockClient(SageMakerClient);
    return { sagemaker, api: new InferenceComponentsApi(sagemaker as unknown as SageMakerClient, RETRY) };
  };

  it("creates a missing component with at least one copy (SageMaker refuses 0 at creation), tagged as ours", async () => {
    const { sagemaker, api } = setup();
    sagemaker.on(ListInferenceComponentsCommand).resolves({ InferenceComponents: [] });
    sagemaker.on(CreateInferenceComponentCommand).resolves({});
    const wanted = component("a", 0);
    const outcome = await reconcileComponents(api, spec([wanted]));
    expect(outcome).toEqual({ settled: false, actions: [`create ${wanted.name}`], failed: [], waiting: [] });
    // A name the list does not have is created without asking SageMaker about it first.
    expect(sagemaker.commandCalls(DescribeInferenceComponentCommand)).toHaveLength(0);
    expect(sagemaker.commandCalls(CreateInferenceComponentCommand)[0]?.args[0].input).toEqual({
      InferenceComponentName: wanted.name,
      EndpointName: ENDPOINT,
      VariantName: "primary",
      Specification: {
        ModelName: "model-a",
        ComputeResourceRequirements: { NumberOfCpuCoresRequired: 1, MinMemoryRequiredInMb: 1024 },
      },
      RuntimeConfig: { CopyCount: 1 },
      Tags: [{ Key: "modelport:component-of", Value: ENDPOINT }],
    });
  });

  it("takes 'already existing' after a lost answer as done: the retried create was the same component", async () => {
    const { sagemaker, api } = setup();
    sagemaker
      .on(CreateInferenceComponentCommand)
      .rejectsOnce(
        new SageMakerServiceException({
          name: "InternalFailure",
          $fault: "server",
          $metadata: { httpStatusCode: 500 },
        }),
      )
      .rejects(
        new SageMakerServiceException({
          name: "ValidationException",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
          message: 'Cannot create already existing inference component "arn:…".',
        }),
      );
    await expect(api.create(ENDPOINT, component("a"))).resolves.toBeUndefined();
    expect(sagemaker.commandCalls(CreateInferenceComponentCommand)).toHaveLength(2);
  });

  it("sets an InService component's copies, waits for one in progress, recreates a failed one once, then reports it", async () => {
    const { sagemaker, api } = setup();
    const [a, b, c] = [component("a", 0), component("b", 2), component("c", 1)];
    sagemaker
      .on(ListInferenceComponentsCommand)
      .resolves({ InferenceComponents: [summary(a.name), summary(b.name, "Updating"), summary(c.name, "Failed")] });
    sagemaker
      .on(DescribeInferenceComponentCommand, { InferenceComponentName: a.name })
      .resolves(described(a.name, "InService", 1))
      .on(DescribeInferenceComponentCommand, { InferenceComponentName: b.name })
      .resolves(described(b.name, "Updating", 2, 1))
      .on(DescribeInferenceComponentCommand, { InferenceComponentName: c.name })
      .resolves(described(c.name, "Failed", 1, 0));
    sagemaker.on(UpdateInferenceComponentRuntimeConfigCommand).resolves({});
    sagemaker.on(DeleteInferenceComponentCommand).resolves({});
    const recreated = new Set<string>();
    const first = await reconcileComponents(api, spec([a, b, c]), { recreated });
    expect(first).toEqual({
      settled: false,
      actions: [`copies ${a.name}=0`, `delete failed ${c.name}`],
      failed: [],
      waiting: [`${b.name} (Updating)`],
    });
    expect(sagemaker.commandCalls(UpdateInferenceComponentRuntimeConfigCommand)[0]?.args[0].input).toEqual({
      InferenceComponentName: a.name,
      DesiredRuntimeConfig: { CopyCount: 0 },
    });
    const again = await reconcileComponents(api, spec([b, c]), { recreated });
    expect(again.failed.map((f) => [f.name, f.failureReason])).toEqual([[c.name, "The model could not be loaded"]]);
    expect(sagemaker.commandCalls(DeleteInferenceComponentCommand)).toHaveLength(1);
  });

  it("leaves copy counts to Application Auto Scaling when it owns them", async () => {
    const { sagemaker, api } = setup();
    const a = component("a", 0);
    sagemaker.on(ListInferenceComponentsCommand).resolves({ InferenceComponents: [summary(a.name)] });
    sagemaker.on(DescribeInferenceComponentCommand).resolves(described(a.name, "InService", 3));
    const outcome = await reconcileComponents(api, spec([a]), { copiesFollowScaling: true });
    expect(outcome).toEqual({ settled: true, actions: [], failed: [], waiting: [] });
    expect(sagemaker.commandCalls(UpdateInferenceComponentRuntimeConfigCommand)).toHaveLength(0);
  });

  it("deletes components of ours the spec dropped only once the wanted ones are settled, never anyone else's", async () => {
    const { sagemaker, api } = setup();
    const kept = component("a");
    const dropped = componentResourceName(ENDPOINT, "old");
    const older = componentResourceName(ENDPOINT, "older");
    sagemaker.on(DescribeInferenceComponentCommand).resolves(described(kept.name, "InService", 1));
    sagemaker
      .on(ListInferenceComponentsCommand, { EndpointNameEquals: ENDPOINT, NextToken: undefined })
      .resolves({ InferenceComponents: [summary(kept.name)], NextToken: "2" })
      .on(ListInferenceComponentsCommand, { EndpointNameEquals: ENDPOINT, NextToken: "2" })
      .resolves({
        InferenceComponents: [
          summary(dropped),
          summary("someone-else"),
          // Being deleted already (an earlier pass): no second delete, which SageMaker would refuse.
          summary(older, "Deleting"),
        ],
      });
    sagemaker.on(DeleteInferenceComponentCommand).resolves({});
    const removedFirst: string[] = [];
    const outcome = await reconcileComponents(api, spec([kept]), {
      beforeDelete: async (name) => {
        removedFirst.push(name);
        expect(sagemaker.commandCalls(DeleteInferenceComponentCommand)).toHaveLength(0);
      },
    });
    expect(outcome).toEqual({
      settled: false,
      actions: [`delete ${dropped}`],
      failed: [],
      waiting: [`${older} (Deleting)`],
    });
    expect(removedFirst).toEqual([dropped]);
    expect(sagemaker.commandCalls(DeleteInferenceComponentCommand).map((call) => call.args[0].input)).toEqual([
      { InferenceComponentName: dropped },
    ]);
  });

  it("deletes nothing while a wanted component is still on its way", async () => {
    const { sagemaker, api } = setup();
    const wanted = component("new");
    sagemaker.on(ListInferenceComponentsCommand).resolves({
      InferenceComponents: [summary(wanted.name, "Creating"), summary(componentResourceName(ENDPOINT, "old"))],
    });
    sagemaker.on(DescribeInferenceComponentCommand).resolves(described(wanted.name, "Creating", 1, 0));
    const outcome = await reconcileComponents(api, spec([wanted]));
    expect(outcome.settled).toBe(false);
    expect(sagemaker.commandCalls(DeleteInferenceComponentCommand)).toHaveLength(0);
  });

  it("is settled when every component is InService with its copies and nothing is left to delete", async () => {
    const { sagemaker, api } = setup();
    const kept = component("a", 2);
    sagemaker.on(DescribeInferenceComponentCommand).resolves(described(kept.name, "InService", 2));
    sagemaker.on(ListInferenceComponentsCommand).resolves({ InferenceComponents: [summary(kept.name)] });
    expect(await reconcileComponents(api, spec([kept]))).toEqual({
      settled: true,
      actions: [],
      failed: [],
      waiting: [],
    });
  });
});

describe("a component's scale to zero", () => {
  const setup = () => {
    const autoScaling = mockClient(ApplicationAutoScalingClient);
    const cloudWatch = mockClient(CloudWatchClient);
    const api = new ComponentScalingApi(
      autoScaling as unknown as ApplicationAutoScalingClient,
      cloudWatch as unknown as CloudWatchClient,
      RETRY,
    );
    return { autoScaling, cloudWatch, api };
  };
  const target = {
    ServiceNamespace: "sagemaker",
    ResourceId: "inference-component/fraud-many-ic-1",
    ScalableDimension: "sagemaker:inference-component:DesiredCopyCount",
  };

  it("registers copies from 0, tracks invocations per copy, and wakes on one 'no capacity' refusal", async () => {
    const { autoScaling, cloudWatch, api } = setup();
    autoScaling.on(RegisterScalableTargetCommand).resolves({});
    autoScaling
      .on(PutScalingPolicyCommand, { PolicyName: COMPONENT_WAKE_POLICY })
      .resolves({ PolicyARN: "arn:wake" })
      .on(PutScalingPolicyCommand, { PolicyName: COPIES_POLICY })
      .resolves({ PolicyARN: "arn:copies" });
    cloudWatch.on(PutMetricAlarmCommand).resolves({});
    await api.apply("fraud-many-ic-1", { maxCopies: 4, invocationsPerCopy: 20 });
    expect(autoScaling.commandCalls(RegisterScalableTargetCommand)[0]?.args[0].input).toEqual({
      ...target,
      MinCapacity: 0,
      MaxCapacity: 4,
    });
    const policies = autoScaling.commandCalls(PutScalingPolicyCommand).map((call) => call.args[0].input);
    expect(policies[0]).toMatchObject({
      ...target,
      PolicyType: "TargetTrackingScaling",
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 20,
        PredefinedMetricSpecification: { PredefinedMetricType: "SageMakerInferenceComponentInvocationsPerCopy" },
      },
    });
    expect(policies[1]).toMatchObject({
      ...target,
      PolicyType: "StepScaling",
      StepScalingPolicyConfiguration: {
        AdjustmentType: "ChangeInCapacity",
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      },
    });
    expect(cloudWatch.commandCalls(PutMetricAlarmCommand)[0]?.args[0].input).toMatchObject({
      Namespace: "AWS/SageMaker",
      MetricName: "NoCapacityInvocationFailures",
      Dimensions: [{ Name: "InferenceComponentName", Value: "fraud-many-ic-1" }],
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      AlarmActions: ["arn:wake"],
    });
  });

  it("removes the target and the alarm, and tolerates their absence", async () => {
    const { autoScaling, cloudWatch, api } = setup();
    autoScaling
      .on(DeregisterScalableTargetCommand)
      .rejects(new ObjectNotFoundException({ message: "No scalable target", $metadata: {} }));
    cloudWatch.on(DeleteAlarmsCommand).rejects(new ResourceNotFound({ message: "No alarm", $metadata: {} }));
    await api.remove("fraud-many-ic-1");
    expect(autoScaling.commandCalls(DeregisterScalableTargetCommand)[0]?.args[0].input).toEqual(target);
    expect(cloudWatch.commandCalls(DeleteAlarmsCommand)[0]?.args[0].input).toEqual({
      AlarmNames: ["modelport-fraud-many-ic-1-no-capacity"],
    });
  });
});

describe("invoking a component", () => {
  it("names the component, and says 'asleep' when SageMaker has no copy for it (never sent twice)", async () => {
    const runtime = mockClient(SageMakerRuntimeClient);
    const invoker = new SageMakerComponentInvoker(runtime as unknown as SageMakerRuntimeClient, RETRY);
    runtime
      .on(InvokeEndpointCommand, { InferenceComponentName: "awake" })
      .resolves({
        Body: new TextEncoder().encode("0.5\n") as never,
        ContentType: "text/csv",
        $metadata: { requestId: "request-1" },
      })
      .on(InvokeEndpointCommand, { InferenceComponentName: "sleeping" })
      .rejects(
        new ValidationError({
          message:
            "Inference Component has no capacity to process this request. ApplicationAutoScaling may be in-progress",
          $metadata: { httpStatusCode: 400 },
        }),
      );
    const body = new TextEncoder().encode("1,2\n");
    const answer = await invoker.invoke(ENDPOINT, "awake", body, "text/csv");
    expect(answer).toMatchObject({ kind: "answer", contentType: "text/csv", requestId: "request-1" });
    expect(runtime.commandCalls(InvokeEndpointCommand)[0]?.args[0].input).toMatchObject({
      EndpointName: ENDPOINT,
      InferenceComponentName: "awake",
      ContentType: "text/csv",
    });
    expect(await invoker.invoke(ENDPOINT, "sleeping", body, "text/csv")).toEqual({
      kind: "asleep",
      message: expect.stringMatching(/no capacity/),
    });
    expect(runtime.commandCalls(InvokeEndpointCommand, { InferenceComponentName: "sleeping" })).toHaveLength(1);
    // A 5xx may come after the model ran: the prediction is not sent again.
    runtime
      .on(InvokeEndpointCommand, { InferenceComponentName: "flaky" })
      .rejects(new ValidationError({ message: "stand-in", $metadata: { httpStatusCode: 500 } }));
    await expect(invoker.invoke(ENDPOINT, "flaky", body, "text/csv")).rejects.toThrow(/InvokeEndpoint failed/);
    expect(runtime.commandCalls(InvokeEndpointCommand, { InferenceComponentName: "flaky" })).toHaveLength(1);
  });
});
