import { createHash, randomInt } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SageMakerApi } from "@/server/integrations/sagemaker/api";
import { createAutoScalingClient } from "@/server/integrations/sagemaker/async-scaling";
import { createSageMakerRuntimeClient } from "@/server/integrations/sagemaker/async-invoker";
import { createCloudWatchClient } from "@/server/integrations/sagemaker/cloudwatch-metrics";
import {
  applyComponentEndpoint,
  componentSpec,
  type ComponentEndpointRequest,
  type HostedVersion,
} from "@/server/integrations/sagemaker/component-endpoint";
import { SageMakerComponentInvoker } from "@/server/integrations/sagemaker/component-invoker";
import {
  COMPONENT_WAKE_POLICY,
  COPIES_POLICY,
  ComponentScalingApi,
  componentResourceId,
  componentWakeAlarmName,
} from "@/server/integrations/sagemaker/component-scaling";
import { parseSageMakerConfig, type SageMakerConfig } from "@/server/integrations/sagemaker/config";
import { fileArtifactSource } from "@/server/integrations/sagemaker/file-artifact-source";
import { InferenceComponentsApi } from "@/server/integrations/sagemaker/inference-components";
import { ModelArtifacts, createS3Client } from "@/server/integrations/sagemaker/model-artifacts";
import { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import { FakeSageMaker } from "@/tests/integration/sagemaker/fake-sagemaker-server";
import { onnxVariant } from "@/tests/integration/sagemaker/onnx-variant";
import { startStandIns } from "@/tests/integration/sagemaker/stand-ins";
import { onnxModel } from "@/tests/integration/support/model-artifacts";

// Many versions on one SageMaker endpoint as inference components, and scale to zero: the real SDK clients (SageMaker,
// SageMaker Runtime, Application Auto Scaling, CloudWatch, S3) against the stand-ins, which score every request with
// the component's real ONNX model and enforce the rules in fake-inference-components.ts.
//
// Invariants: each request is answered by the version its component names, never another; a component at zero copies
// refuses with "no capacity" (never an answer from somewhere else), and one such request wakes it through the alarm
// and step policy; a replaced version keeps serving until its successor's component runs; what SageMaker refuses
// (too little capacity, a component it cannot host) fails with SageMaker's words and leaves what serves as it was.
const fake = new FakeSageMaker([], { transitionMs: 20, msPerSecond: 0.2 });
const fakeS3 = new FakeS3();
const ENDPOINT = "fraud-many";
const MODELS = [onnxModel(3), onnxModel(11), onnxModel(29)];
const SHAS = MODELS.map((bytes) => createHash("sha256").update(bytes).digest("hex"));
const TIMING = { timeoutMs: 10_000, pollMs: 5 };
const SCALING = { maxCopies: 3, invocationsPerCopy: 10 };

async function until(condition: () => Promise<boolean>) {
  for (let tries = 0; !(await condition()); tries++) {
    if (tries > 400) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
let artifactDir: string;
let config: SageMakerConfig;
let clients: Parameters<typeof applyComponentEndpoint>[0];
let invoker: SageMakerComponentInvoker;

const rows = Array.from({ length: 50 }, () => [randomInt(0, 100_000) / 100, randomInt(0, 24)]);
const CSV = new TextEncoder().encode(rows.map((row) => `${row.join(",")}\n`).join(""));

const hosted = (index: number, copies: number, memoryMb = 1024): HostedVersion => ({
  variant: {
    ...onnxVariant(SHAS[index]!),
    variantName: `fraud-tabular-v${index + 1}`,
    version: index + 1,
  },
  copies,
  cpuCores: 1,
  memoryMb,
});

const request = (versions: HostedVersion[], overrides: Partial<ComponentEndpointRequest> = {}) => ({
  endpointName: ENDPOINT,
  instanceType: "ml.m5.large",
  minInstances: 0,
  maxInstances: 2,
  versions,
  scaleToZero: null,
  ...overrides,
});

const componentOf = (index: number) => componentSpec(request([hosted(index, 1)]), config).components[0]!.name;

async function expected(index: number): Promise<string> {
  const session = await ort.InferenceSession.create(MODELS[index]!);
  const column = (at: number) =>
    new ort.Tensor("float32", Float32Array.from(rows.map((row) => row[at] ?? 0)), [rows.length, 1]);
  const result = await session.run({ amount: column(0), hour: column(1) });
  await session.release();
  return Array.from(result.probability?.data as Float32Array)
    .map((value) => `${value}\n`)
    .join("");
}

async function answerOf(index: number) {
  const answer = await invoker.invoke(ENDPOINT, componentOf(index), CSV, "text/csv");
  return answer.kind === "answer" ? new TextDecoder().decode(answer.body) : answer;
}

beforeAll(async () => {
  artifactDir = await mkdtemp(path.join(tmpdir(), "modelport-components-"));
  for (const [index, bytes] of MODELS.entries()) await writeFile(path.join(artifactDir, SHAS[index]!), bytes);
  const input = await startStandIns(fake, fakeS3);
  config = parseSageMakerConfig(input);
  const sagemaker = new SageMakerClient({ region: config.region, endpoint: config.endpointUrl, maxAttempts: 1 });
  const source = fileArtifactSource((sha) => path.join(artifactDir, sha));
  clients = {
    api: new SageMakerApi(sagemaker, config.retry),
    components: new InferenceComponentsApi(sagemaker, config.retry),
    scaling: new ComponentScalingApi(createAutoScalingClient(config), createCloudWatchClient(config), config.retry),
    artifacts: new ModelArtifacts(createS3Client(config), source, config),
    config,
  };
  invoker = new SageMakerComponentInvoker(createSageMakerRuntimeClient(config), config.retry);
});

afterAll(async () => {
  await fake.stop();
  await fakeS3.stop();
  await rm(artifactDir, { recursive: true, force: true });
});

describe("many versions on one SageMaker endpoint as inference components", () => {
  it("hosts two versions on one managed fleet, each request answered by the version its component names", async () => {
    const states = await applyComponentEndpoint(clients, request([hosted(0, 1), hosted(1, 2)]), TIMING);
    expect(states.map((state) => [state.status, state.currentCopies])).toEqual([
      ["InService", 1],
      ["InService", 2],
    ]);
    const created = fake.requests.find((r) => r.operation === "CreateEndpointConfig")?.body;
    expect(created).toMatchObject({
      ExecutionRoleArn: config.executionRoleArn,
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
    expect((created?.ProductionVariants as { ModelName?: string }[])[0]?.ModelName).toBeUndefined();
    expect(await answerOf(0)).toBe(await expected(0));
    expect(await answerOf(1)).toBe(await expected(1));
    expect(await answerOf(0)).not.toBe(await expected(1));
  });

  it("refuses a request without a component, or for a component of another endpoint, with SageMaker's words", async () => {
    const runtime = createSageMakerRuntimeClient(config);
    const { InvokeEndpointCommand } = await import("@aws-sdk/client-sagemaker-runtime");
    await expect(
      runtime.send(new InvokeEndpointCommand({ EndpointName: ENDPOINT, Body: CSV, ContentType: "text/csv" })),
    ).rejects.toThrow(/Inference Component Name header is required/);
    await expect(invoker.invoke(ENDPOINT, "fraud-many-ic-nope", CSV, "text/csv")).rejects.toThrow(/not found/);
  });

  it("replaces a version: its successor runs before the old component goes, and answers stay exact throughout", async () => {
    const calls = () => fake.operations().filter((op) => /InferenceComponent$/.test(op));
    const before = calls().length;
    await applyComponentEndpoint(clients, request([hosted(0, 1), hosted(2, 1)]), TIMING);
    const order = calls().slice(before);
    expect(order).toEqual(expect.arrayContaining(["CreateInferenceComponent", "DeleteInferenceComponent"]));
    expect(order.indexOf("CreateInferenceComponent")).toBeLessThan(order.indexOf("DeleteInferenceComponent"));
    expect(await answerOf(2)).toBe(await expected(2));
    await expect(invoker.invoke(ENDPOINT, componentOf(1), CSV, "text/csv")).rejects.toThrow(/not found/);
    expect(await answerOf(0)).toBe(await expected(0));
  });

  it("refuses copies the fleet cannot hold with SageMaker's error, and nothing that served changes", async () => {
    await expect(applyComponentEndpoint(clients, request([hosted(0, 1), hosted(2, 20, 2048)]), TIMING)).rejects.toThrow(
      /ResourceLimitExceeded/,
    );
    expect(await answerOf(0)).toBe(await expected(0));
    expect(await answerOf(2)).toBe(await expected(2));
  });

  it("scales a component to zero: a request meets 'no capacity', wakes it through the alarm, then is answered", async () => {
    await applyComponentEndpoint(clients, request([hosted(0, 1), hosted(2, 1)], { scaleToZero: SCALING }), TIMING);
    const sleeping = componentOf(2);
    // Application Auto Scaling's scale-in after an idle while (the stand-in does not run target tracking).
    await clients.components.setCopies(sleeping, 0);
    await until(async () => (await clients.components.describe(sleeping))?.status === "InService");
    const target = fake.inferenceComponents.targets.get(componentResourceId(sleeping));
    expect(target && { min: target.min, max: target.max }).toEqual({ min: 0, max: 3 });
    expect([...(target?.policies.keys() ?? [])].sort()).toEqual([COMPONENT_WAKE_POLICY, COPIES_POLICY].sort());
    expect(fake.cloudWatch.alarms.get(componentWakeAlarmName(sleeping))).toMatchObject({
      MetricName: "NoCapacityInvocationFailures",
      Dimensions: [{ Name: "InferenceComponentName", Value: sleeping }],
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
    });

    const refused = await invoker.invoke(ENDPOINT, sleeping, CSV, "text/csv");
    expect(refused).toEqual({ kind: "asleep", message: expect.stringMatching(/no capacity/) });
    // The other version never answered in its place, and keeps answering.
    expect(await answerOf(0)).toBe(await expected(0));
    let answer = await invoker.invoke(ENDPOINT, sleeping, CSV, "text/csv");
    for (let tries = 0; answer.kind === "asleep" && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      answer = await invoker.invoke(ENDPOINT, sleeping, CSV, "text/csv");
    }
    expect(answer.kind === "answer" && new TextDecoder().decode(answer.body)).toBe(await expected(2));
  });

  it("leaves the copy counts to Application Auto Scaling while it owns them", async () => {
    await applyComponentEndpoint(clients, request([hosted(0, 1), hosted(2, 0)], { scaleToZero: SCALING }), TIMING);
    // Woken by the last test's request: the apply does not put it back to the spec's 0.
    expect((await clients.components.describe(componentOf(2)))?.desiredCopies).toBe(1);
  });

  it("replacing a version under scale to zero takes the dropped component's scaling and alarm with it", async () => {
    await applyComponentEndpoint(clients, request([hosted(0, 1), hosted(1, 1)], { scaleToZero: SCALING }), TIMING);
    expect(fake.inferenceComponents.targets.has(componentResourceId(componentOf(2)))).toBe(false);
    expect(fake.cloudWatch.alarms.has(componentWakeAlarmName(componentOf(2)))).toBe(false);
    expect(fake.inferenceComponents.targets.has(componentResourceId(componentOf(1)))).toBe(true);
    expect(await answerOf(1)).toBe(await expected(1));
    await applyComponentEndpoint(clients, request([hosted(0, 1), hosted(2, 1)], { scaleToZero: SCALING }), TIMING);
  });

  it("refuses to change the fleet of an existing endpoint instead of ignoring it", async () => {
    await expect(
      applyComponentEndpoint(clients, request([hosted(0, 1), hosted(2, 1)], { maxInstances: 3 }), TIMING),
    ).rejects.toThrow(/runs another fleet/);
    expect(await answerOf(0)).toBe(await expected(0));
  });

  it("turning scale to zero off removes the component's scaling and alarm", async () => {
    await applyComponentEndpoint(clients, request([hosted(0, 1), hosted(2, 1)]), TIMING);
    expect(fake.inferenceComponents.targets.has(componentResourceId(componentOf(2)))).toBe(false);
    expect(fake.cloudWatch.alarms.has(componentWakeAlarmName(componentOf(2)))).toBe(false);
  });

  it("refuses components on an endpoint whose variant names a model (SageMaker cannot host them there)", async () => {
    const { SageMakerTarget } = await import("@/server/integrations/sagemaker/sagemaker-target");
    const source = fileArtifactSource((sha) => path.join(artifactDir, sha));
    const target = new SageMakerTarget(config, { artifacts: source });
    await target.apply({ endpointName: "fraud-classic", variants: [onnxVariant(SHAS[0]!)] });
    await target.waitUntilSettled("fraud-classic", TIMING);
    await expect(
      applyComponentEndpoint(clients, request([hosted(1, 1)], { endpointName: "fraud-classic" }), TIMING),
    ).rejects.toThrow(/runs another fleet/);
    // SageMaker's own refusal, had the apply not stopped first.
    const [component] = componentSpec(request([hosted(1, 1)]), config).components;
    await expect(clients.components.create("fraud-classic", component!)).rejects.toThrow(
      /Inference Components are not supported in this Endpoint/,
    );
  });

  it("a version whose model cannot start is created again once, then fails with SageMaker's reason; the rest serve", async () => {
    fake.failPingWhen((tags) => tags.some((tag) => tag.Value === SHAS[1]));
    try {
      await expect(
        applyComponentEndpoint(clients, request([hosted(0, 1), hosted(2, 1), hosted(1, 1, 1536)]), TIMING),
      ).rejects.toThrow(/failed again: The container for this inference component did not pass the ping/);
    } finally {
      fake.failPingWhen(() => false);
    }
    const creates = fake.requests.filter(
      (r) => r.operation === "CreateInferenceComponent" && String(r.body.InferenceComponentName).length > 0,
    );
    const failing = componentSpec(request([hosted(1, 1, 1536)]), config).components[0]!.name;
    expect(creates.filter((r) => r.body.InferenceComponentName === failing)).toHaveLength(2);
    expect(await answerOf(0)).toBe(await expected(0));
    expect(await answerOf(2)).toBe(await expected(2));
  });
});
