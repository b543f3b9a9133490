import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListTagsCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from "@aws-sdk/client-sagemaker";
import { beforeEach, describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import type { RolloutStrategy } from "@/server/integrations/targets/deployment-target";
import {
  ENDPOINT_ARN,
  ONNX_IMAGE,
  ROLE,
  alreadyExists,
  awsError,
  desiredFor,
  endpointNotFound,
  liveEndpoint,
  mockedTarget,
  spec,
  variant,
  writeCommands,
} from "@/tests/unit/sagemaker/helpers";

const sha = (version: number) => String(version).repeat(64);
const expectedTag = (value: string) => ({ Tags: [{ Key: "modelport:expected-endpoint-config", Value: value }] });
const previousTag = (value: string) => ({ Key: "modelport:previous-endpoint-config", Value: value });

describe("apply: creating a new endpoint", () => {
  let env: ReturnType<typeof mockedTarget>;
  beforeEach(() => {
    env = mockedTarget();
    env.sagemaker
      .on(DescribeEndpointCommand)
      .rejectsOnce(endpointNotFound())
      .resolves(liveEndpoint({ EndpointStatus: "Creating", ProductionVariants: [] }));
  });

  it("sends CreateModel per variant, one CreateEndpointConfig with weights and CreateEndpoint, in that order", async () => {
    const state = await env.target.apply(
      spec(variant(1, 90), variant(2, 10, { instanceType: "ml.c5.xlarge", instanceCount: 1 })),
    );

    expect(state.status).toBe("creating");
    expect(writeCommands(env.sagemaker)).toEqual([
      "CreateModel",
      "CreateModel",
      "CreateEndpointConfig",
      "CreateEndpoint",
    ]);
    const [first, second] = env.sagemaker.commandCalls(CreateModelCommand).map((call) => call.args[0].input);
    expect(first).toEqual({
      ModelName: expect.stringMatching(/^fraud-detector-fraud-xgb-v1-[0-9a-f]{12}$/),
      ExecutionRoleArn: ROLE,
      PrimaryContainer: {
        Image: ONNX_IMAGE,
        ModelDataUrl: "s3://modelport-models/prod/fraud-xgb/v1/model.tar.gz",
        Environment: {
          MODELPORT_MODEL_NAME: "fraud-xgb",
          MODELPORT_MODEL_VERSION: "1",
          MODELPORT_ARTIFACT_SHA256: sha(1),
        },
      },
      Tags: [
        { Key: "modelport:endpoint", Value: "fraud-detector" },
        { Key: "modelport:variant", Value: "fraud-xgb-v1" },
        { Key: "modelport:artifact-sha256", Value: sha(1) },
      ],
    });
    const config = env.sagemaker.commandCalls(CreateEndpointConfigCommand)[0]?.args[0].input;
    expect(config).toEqual({
      EndpointConfigName: expect.stringMatching(/^fraud-detector-cfg-[0-9a-f]{12}$/),
      ProductionVariants: [
        {
          VariantName: "fraud-xgb-v1",
          ModelName: first?.ModelName,
          InstanceType: "ml.m5.large",
          InitialInstanceCount: 2,
          InitialVariantWeight: 90,
        },
        {
          VariantName: "fraud-xgb-v2",
          ModelName: second?.ModelName,
          InstanceType: "ml.c5.xlarge",
          InitialInstanceCount: 1,
          InitialVariantWeight: 10,
        },
      ],
      Tags: [{ Key: "modelport:endpoint", Value: "fraud-detector" }],
    });
    expect(env.sagemaker.commandCalls(CreateEndpointCommand)[0]?.args[0].input).toEqual({
      EndpointName: "fraud-detector",
      EndpointConfigName: config?.EndpointConfigName,
      Tags: [
        { Key: "modelport:endpoint", Value: "fraud-detector" },
        ...expectedTag(config?.EndpointConfigName ?? "").Tags,
      ],
    });
  });

  it("mounts vLLM weights from an S3 folder uncompressed, with the LMI options and one tensor-parallel shard per GPU", async () => {
    const llm = variant(3, 100, {
      format: "VLLM",
      variantName: "assistant-v3",
      artifactUri: "s3://modelport-models/llm/assistant/v3/",
      gpus: 4,
    });
    await env.target.apply(spec(llm));

    expect(env.sagemaker.commandCalls(CreateModelCommand)[0]?.args[0].input.PrimaryContainer).toEqual({
      Image: "763104351884.dkr.ecr.eu-west-1.amazonaws.com/djl-inference:0.33.0-lmi15.0.0-cu128",
      ModelDataSource: {
        S3DataSource: {
          S3Uri: "s3://modelport-models/llm/assistant/v3/",
          S3DataType: "S3Prefix",
          CompressionType: "None",
        },
      },
      Environment: {
        OPTION_ROLLING_BATCH: "vllm",
        OPTION_GPU_MEMORY_UTILIZATION: "0.9",
        OPTION_TENSOR_PARALLEL_DEGREE: "4",
        MODELPORT_MODEL_NAME: "fraud-xgb",
        MODELPORT_MODEL_VERSION: "3",
        MODELPORT_ARTIFACT_SHA256: sha(3),
      },
    });
  });

  it("on a retry, treats a model and config that already exist with the same content as its own and creates one endpoint", async () => {
    const endpoint = spec(variant(1, 100));
    const desired = desiredFor(endpoint);
    const model = desired.models[0];
    env.sagemaker.on(CreateModelCommand).rejects(alreadyExists("model", model?.ModelName ?? ""));
    env.sagemaker.on(DescribeModelCommand).resolves({
      ModelName: model?.ModelName,
      ExecutionRoleArn: ROLE,
      PrimaryContainer: { ...model?.PrimaryContainer, Mode: "SingleModel" },
    });
    env.sagemaker.on(CreateEndpointConfigCommand).rejects(alreadyExists("endpoint-config", desired.configName));
    env.sagemaker
      .on(DescribeEndpointConfigCommand)
      .resolves({ EndpointConfigName: desired.configName, ProductionVariants: desired.variants });

    const state = await env.target.apply(endpoint);

    expect(state.status).toBe("creating");
    expect(env.sagemaker.commandCalls(CreateEndpointCommand)).toHaveLength(1);
  });

  it("refuses to reuse a model name that holds a different model, and goes no further", async () => {
    const model = desiredFor(spec(variant(1, 100))).models[0];
    env.sagemaker.on(CreateModelCommand).rejects(alreadyExists("model", model?.ModelName ?? ""));
    env.sagemaker.on(DescribeModelCommand).resolves({
      ModelName: model?.ModelName,
      ExecutionRoleArn: ROLE,
      PrimaryContainer: { ...model?.PrimaryContainer, Image: "other/image:1" },
    });

    await expect(env.target.apply(spec(variant(1, 100)))).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("different SageMaker model"),
    });
    expect(writeCommands(env.sagemaker)).toEqual(["CreateModel"]);
  });

  it("treats an endpoint another worker created meanwhile as existing and leaves it alone when it runs the same config", async () => {
    const endpoint = spec(variant(1, 100));
    const desired = desiredFor(endpoint);
    env.sagemaker.on(CreateEndpointCommand).rejects(alreadyExists("endpoint", "fraud-detector"));
    env.sagemaker
      .on(DescribeEndpointCommand)
      .rejectsOnce(endpointNotFound())
      .resolves(liveEndpoint({ EndpointStatus: "Creating", EndpointConfigName: desired.configName }));
    env.sagemaker
      .on(DescribeEndpointConfigCommand)
      .resolves({ EndpointConfigName: desired.configName, ProductionVariants: desired.variants });

    await expect(env.target.apply(endpoint)).resolves.toMatchObject({ status: "creating" });
    expect(writeCommands(env.sagemaker)).toEqual(["CreateModel", "CreateEndpointConfig", "CreateEndpoint"]);
  });
});

describe("apply: rejecting bad input before anything is written", () => {
  it.each([
    ["weights that do not add up to 100", spec(variant(1, 60), variant(2, 30)), "add up to 100"],
    ["duplicate variant names", spec(variant(1, 50), variant(1, 50)), "unique"],
    [
      "a name SageMaker rejects",
      { endpointName: "fraud_detector", variants: [variant(1, 100)] },
      "letters, digits and dashes",
    ],
    [
      "an unknown instance type",
      spec(variant(1, 100, { instanceType: "ml.nonexistent.huge" })),
      "not a SageMaker real-time instance type",
    ],
    [
      "a format without a configured image",
      spec(variant(1, 100, { format: "CONTAINER" })),
      "No SageMaker serving image is configured for CONTAINER",
    ],
  ])("%s", async (_case, endpoint, message) => {
    const { sagemaker, target } = mockedTarget();
    const error = await target.apply(endpoint).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "BAD_REQUEST", retryable: false, message: expect.stringContaining(message) });
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

describe("apply: updating a live endpoint", () => {
  const oldSpec = spec(variant(1, 100, { variantName: "primary" }));
  const newSpec = spec(variant(2, 100, { variantName: "primary" }));
  const oldConfig = desiredFor(oldSpec);
  const newConfig = desiredFor(newSpec);

  function onLiveOldConfig() {
    const env = mockedTarget();
    const live = liveEndpoint({
      EndpointConfigName: oldConfig.configName,
      ProductionVariants: [{ VariantName: "primary", CurrentWeight: 100, CurrentInstanceCount: 2 }],
    });
    env.sagemaker.on(DescribeEndpointCommand).resolves(live);
    env.sagemaker
      .on(DescribeEndpointConfigCommand, { EndpointConfigName: oldConfig.configName })
      .resolves({ EndpointConfigName: oldConfig.configName, ProductionVariants: oldConfig.variants });
    env.sagemaker.on(ListTagsCommand).resolves(expectedTag(oldConfig.configName));
    return env;
  }

  const routing = {
    "all-at-once": { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 },
    canary: { Type: "CANARY", CanarySize: { Type: "CAPACITY_PERCENT", Value: 10 }, WaitIntervalInSeconds: 600 },
    linear: { Type: "LINEAR", LinearStepSize: { Type: "CAPACITY_PERCENT", Value: 25 }, WaitIntervalInSeconds: 300 },
  };
  const strategies: [keyof typeof routing, RolloutStrategy][] = [
    ["all-at-once", { kind: "all-at-once" }],
    ["canary", { kind: "canary", canaryPercent: 10, bakeSeconds: 600 }],
    ["linear", { kind: "linear", stepPercent: 25, stepBakeSeconds: 300 }],
  ];

  it.each(strategies)(
    "%s: new model and config, the expected and previous configs tagged, then ONE blue/green UpdateEndpoint with auto-rollback alarms",
    async (kind, rollout) => {
      const { sagemaker, target } = onLiveOldConfig();

      await target.apply(newSpec, { rollout });

      expect(writeCommands(sagemaker)).toEqual(["CreateModel", "CreateEndpointConfig", "AddTags", "UpdateEndpoint"]);
      expect(sagemaker.commandCalls(AddTagsCommand)[0]?.args[0].input).toEqual({
        ResourceArn: ENDPOINT_ARN,
        Tags: [...expectedTag(newConfig.configName).Tags, previousTag(oldConfig.configName)],
      });
      expect(sagemaker.commandCalls(UpdateEndpointCommand)[0]?.args[0].input).toEqual({
        EndpointName: "fraud-detector",
        EndpointConfigName: newConfig.configName,
        RetainAllVariantProperties: false,
        DeploymentConfig: {
          BlueGreenUpdatePolicy: {
            TrafficRoutingConfiguration: routing[kind],
            TerminationWaitInSeconds: 300,
            MaximumExecutionTimeoutInSeconds: 7200,
          },
          AutoRollbackConfiguration: {
            Alarms: [{ AlarmName: "fraud-detector-5xx" }, { AlarmName: "fraud-detector-p99" }],
          },
        },
      });
    },
  );

  it("rolls out all at once without AutoRollbackConfiguration when no alarms are configured", async () => {
    const env = mockedTarget({ rollbackAlarmNames: [] });
    env.sagemaker.on(DescribeEndpointCommand).resolves(liveEndpoint({ EndpointConfigName: oldConfig.configName }));
    env.sagemaker
      .on(DescribeEndpointConfigCommand)
      .resolves({ EndpointConfigName: oldConfig.configName, ProductionVariants: oldConfig.variants });
    env.sagemaker.on(ListTagsCommand).resolves({ Tags: [] });

    await env.target.apply(newSpec, { rollout: { kind: "all-at-once" } });

    expect(
      env.sagemaker.commandCalls(UpdateEndpointCommand)[0]?.args[0].input.DeploymentConfig?.AutoRollbackConfiguration,
    ).toBeUndefined();
  });

  it.each(strategies.filter(([kind]) => kind !== "all-at-once"))(
    "refuses %s with no alarms configured, permanently, before calling SageMaker at all",
    async (_kind, rollout) => {
      const env = mockedTarget({ rollbackAlarmNames: [] });
      await expect(env.target.apply(newSpec, { rollout })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        retryable: false,
        message: expect.stringContaining("needs CloudWatch alarms"),
      });
      expect(env.sagemaker.calls()).toHaveLength(0);
    },
  );

  it("restores (no rollout) all at once, watching no alarms: those that failed the release may still fire", async () => {
    const { sagemaker, target } = onLiveOldConfig();

    await target.apply(newSpec);

    expect(sagemaker.commandCalls(UpdateEndpointCommand)[0]?.args[0].input.DeploymentConfig).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 },
        MaximumExecutionTimeoutInSeconds: 7200,
      },
    });
  });

  it("re-describes right before UpdateEndpoint and sends nothing when another attempt already started the same update", async () => {
    const { sagemaker, target } = onLiveOldConfig();
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(liveEndpoint({ EndpointConfigName: oldConfig.configName }))
      .resolves(
        liveEndpoint({
          EndpointStatus: "Updating",
          EndpointConfigName: oldConfig.configName,
          PendingDeploymentSummary: { EndpointConfigName: newConfig.configName },
        }),
      );

    await expect(target.apply(newSpec, { rollout: { kind: "all-at-once" } })).resolves.toMatchObject({
      status: "updating",
    });
    expect(writeCommands(sagemaker)).toEqual(["CreateModel", "CreateEndpointConfig"]);
  });

  it("does not resend an UpdateEndpoint whose answer was lost once a re-describe shows it under way", async () => {
    const { sagemaker, target } = onLiveOldConfig();
    sagemaker.on(UpdateEndpointCommand).rejects(awsError("InternalFailure", "We encountered an internal error", 500));
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(liveEndpoint({ EndpointConfigName: oldConfig.configName }))
      .resolvesOnce(liveEndpoint({ EndpointConfigName: oldConfig.configName }))
      .resolves(
        liveEndpoint({
          EndpointStatus: "Updating",
          EndpointConfigName: oldConfig.configName,
          PendingDeploymentSummary: { EndpointConfigName: newConfig.configName },
        }),
      );

    await target.apply(newSpec, { rollout: { kind: "all-at-once" } });

    expect(sagemaker.commandCalls(UpdateEndpointCommand)).toHaveLength(1);
  });

  it("repairs an UpdateRollbackFailed endpoint with an UpdateEndpoint even when its config looks like the spec's", async () => {
    const { sagemaker, target } = onLiveOldConfig();
    sagemaker
      .on(DescribeEndpointCommand)
      .resolves(liveEndpoint({ EndpointStatus: "UpdateRollbackFailed", EndpointConfigName: oldConfig.configName }));
    sagemaker.on(ListTagsCommand).resolves(expectedTag(newConfig.configName));

    await target.apply(oldSpec);

    expect(writeCommands(sagemaker)).toEqual(["CreateModel", "CreateEndpointConfig", "AddTags", "UpdateEndpoint"]);
    // What served before the failed update stays recorded: a mix of configs is not one to go back to.
    expect(sagemaker.commandCalls(AddTagsCommand)[0]?.args[0].input).toEqual({
      ResourceArn: ENDPOINT_ARN,
      ...expectedTag(oldConfig.configName),
    });
    expect(sagemaker.commandCalls(UpdateEndpointCommand)[0]?.args[0].input).toMatchObject({
      EndpointConfigName: oldConfig.configName,
      DeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE" } } },
    });
  });

  it.each([
    [
      "a canary larger than SageMaker allows",
      { kind: "canary", canaryPercent: 60, bakeSeconds: 60 },
      newSpec,
      "from 1 to 50",
    ],
    ["a linear step below 10%", { kind: "linear", stepPercent: 5, stepBakeSeconds: 60 }, newSpec, "from 10 to 50"],
    [
      "a bake longer than SageMaker's WaitIntervalInSeconds allows",
      { kind: "canary", canaryPercent: 10, bakeSeconds: 3601 },
      newSpec,
      "from 0 to 3600",
    ],
    [
      "waits longer than the maximum execution time",
      { kind: "linear", stepPercent: 10, stepBakeSeconds: 3600 },
      newSpec,
      "more than the 7200 s",
    ],
    [
      "a canary that renames the variants",
      { kind: "canary", canaryPercent: 10, bakeSeconds: 60 },
      spec(variant(2, 100)),
      "same variant names",
    ],
  ] as [string, RolloutStrategy, ReturnType<typeof spec>, string][])(
    "rejects %s without writing anything",
    async (_case, rollout, endpoint, message) => {
      const { sagemaker, target } = onLiveOldConfig();
      await expect(target.apply(endpoint, { rollout })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        retryable: false,
        message: expect.stringContaining(message),
      });
      expect(writeCommands(sagemaker)).toEqual([]);
    },
  );

  it("changes nothing when the endpoint already serves the spec", async () => {
    const { sagemaker, target } = onLiveOldConfig();
    await expect(target.apply(oldSpec)).resolves.toMatchObject({
      status: "healthy",
      variants: [{ variantName: "primary", weight: 100, ready: true }],
    });
    expect(writeCommands(sagemaker)).toEqual([]);
  });

  it("re-points the expected-config tag when the spec matches what serves (e.g. rolling back after SageMaker rolled back)", async () => {
    const { sagemaker, target } = onLiveOldConfig();
    sagemaker.on(ListTagsCommand).resolves(expectedTag(newConfig.configName));

    await target.apply(oldSpec);

    expect(writeCommands(sagemaker)).toEqual(["AddTags"]);
    expect(sagemaker.commandCalls(AddTagsCommand)[0]?.args[0].input).toEqual({
      ResourceArn: ENDPOINT_ARN,
      ...expectedTag(oldConfig.configName),
    });
  });

  it("does nothing on a retry while SageMaker is still rolling out the same config", async () => {
    const { sagemaker, target } = onLiveOldConfig();
    sagemaker.on(DescribeEndpointCommand).resolves(
      liveEndpoint({
        EndpointStatus: "Updating",
        EndpointConfigName: oldConfig.configName,
        PendingDeploymentSummary: { EndpointConfigName: newConfig.configName },
      }),
    );
    await expect(target.apply(newSpec)).resolves.toMatchObject({ status: "updating" });
    expect(writeCommands(sagemaker)).toEqual([]);
  });

  it("refuses a different spec while an update is in progress", async () => {
    const { sagemaker, target } = onLiveOldConfig();
    sagemaker.on(DescribeEndpointCommand).resolves(
      liveEndpoint({
        EndpointStatus: "Updating",
        EndpointConfigName: oldConfig.configName,
        PendingDeploymentSummary: { EndpointConfigName: "fraud-detector-cfg-111111111111" },
      }),
    );
    await expect(target.apply(newSpec)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("is Updating"),
    });
    expect(writeCommands(sagemaker)).toEqual([]);
  });

  it("refuses to update a Failed endpoint and says why it failed", async () => {
    const { sagemaker, target } = onLiveOldConfig();
    sagemaker.on(DescribeEndpointCommand).resolves(
      liveEndpoint({
        EndpointStatus: "Failed",
        EndpointConfigName: oldConfig.configName,
        FailureReason: "Image not found",
      }),
    );
    await expect(target.apply(newSpec)).rejects.toMatchObject({
      code: "CONFLICT",
      retryable: false,
      message: expect.stringContaining("Failed (Image not found)"),
    });
    expect(writeCommands(sagemaker)).toEqual([]);
  });
});

describe("apply: weight-only changes", () => {
  const before = spec(variant(1, 90), variant(2, 10));
  const after = spec(variant(1, 50), variant(2, 50));
  const live = desiredFor(before);

  function onLive(weights: [number, number]) {
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).resolves(
      liveEndpoint({
        EndpointConfigName: live.configName,
        ProductionVariants: [
          {
            VariantName: "fraud-xgb-v1",
            CurrentWeight: weights[0],
            DesiredWeight: weights[0],
            CurrentInstanceCount: 2,
          },
          {
            VariantName: "fraud-xgb-v2",
            CurrentWeight: weights[1],
            DesiredWeight: weights[1],
            CurrentInstanceCount: 2,
          },
        ],
      }),
    );
    env.sagemaker
      .on(DescribeEndpointConfigCommand)
      .resolves({ EndpointConfigName: live.configName, ProductionVariants: live.variants });
    env.sagemaker.on(ListTagsCommand).resolves(expectedTag(live.configName));
    return env;
  }

  it("uses UpdateEndpointWeightsAndCapacities instead of a new config when only weights differ", async () => {
    const { sagemaker, target } = onLive([90, 10]);

    await target.apply(after, { rollout: { kind: "canary", canaryPercent: 10, bakeSeconds: 60 } });

    expect(writeCommands(sagemaker)).toEqual(["UpdateEndpointWeightsAndCapacities"]);
    expect(sagemaker.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand)[0]?.args[0].input).toEqual({
      EndpointName: "fraud-detector",
      DesiredWeightsAndCapacities: [
        { VariantName: "fraud-xgb-v1", DesiredWeight: 50 },
        { VariantName: "fraud-xgb-v2", DesiredWeight: 50 },
      ],
    });
  });

  it("restores the spec's weights even when the live config already has them (setWeights moved traffic since)", async () => {
    const { sagemaker, target } = onLive([50, 50]);
    await target.apply(before);
    expect(writeCommands(sagemaker)).toEqual(["UpdateEndpointWeightsAndCapacities"]);
  });

  it("compares shares of traffic, not raw SageMaker weights, so applying the same spec twice changes nothing", async () => {
    const { sagemaker, target } = onLive([0.5, 0.5]);
    await target.apply(after);
    expect(writeCommands(sagemaker)).toEqual([]);
  });
});
