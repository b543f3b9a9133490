import { S3Client } from "@aws-sdk/client-s3";
import {
  CreateEndpointConfigCommand,
  DescribeEndpointConfigCommand,
  SageMakerClient,
  UpdateEndpointCommand,
} from "@aws-sdk/client-sagemaker";
import { createHash, randomInt } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AsyncServing } from "@/contracts/async-serving";
import { BACKLOG_POLICY, WAKE_POLICY, wakeAlarmName } from "@/server/integrations/sagemaker/async-scaling";
import {
  SageMakerAsyncInvoker,
  createSageMakerRuntimeClient,
  type AsyncLocations,
} from "@/server/integrations/sagemaker/async-invoker";
import { parseSageMakerConfig } from "@/server/integrations/sagemaker/config";
import { fileArtifactSource } from "@/server/integrations/sagemaker/file-artifact-source";
import { createS3Client } from "@/server/integrations/sagemaker/model-artifacts";
import { SageMakerTarget } from "@/server/integrations/sagemaker/sagemaker-target";
import type { EndpointSpec, VariantSpec } from "@/server/integrations/targets/deployment-target";
import { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import { onnxVariant } from "@/tests/integration/sagemaker/onnx-variant";
import { FakeSageMaker } from "@/tests/integration/sagemaker/fake-sagemaker-server";
import { startStandIns } from "@/tests/integration/sagemaker/stand-ins";
import { onnxModel } from "@/tests/integration/support/model-artifacts";

// An asynchronous SageMaker endpoint end to end: the real SDK clients (SageMaker, SageMaker Runtime, Application Auto
// Scaling, CloudWatch, S3) against the stand-ins, which queue requests, score them with the version's real ONNX model
// and enforce the documented rules (fake-async-inference.ts).
//
// Invariants: an asynchronous endpoint serves one variant and its scaling follows the config that serves (never a
// minimum of 0 left on a real-time endpoint); a request waits, never fails, while the endpoint sleeps at zero; every
// answer is the model's own; a payload the model refuses fails with the container's reason; nothing is sent to AWS
// for a request that breaks its limits.
const journal: string[] = [];
const fake = new FakeSageMaker(journal, { transitionMs: 20, msPerSecond: 0.2 });
const fakeS3 = new FakeS3(journal);
const ENDPOINT = "fraud-async";
const MODEL_BYTES = onnxModel(7);
const SHA256 = createHash("sha256").update(MODEL_BYTES).digest("hex");
const WAIT = { timeoutMs: 10_000, pollMs: 2 };
let artifactDir: string;
let target: SageMakerTarget;
let invoker: SageMakerAsyncInvoker;
let sagemaker: SageMakerClient;
let s3: S3Client;
let payloads: Map<string, Buffer>;

const version: VariantSpec = onnxVariant(SHA256);
const SERVING: AsyncServing = {
  maxConcurrentInvocationsPerInstance: 4,
  invocationTimeoutSeconds: 900,
  scaling: { minInstances: 0, maxInstances: 3, backlogPerInstance: 5 },
};
const asyncSpec = (overrides: Partial<EndpointSpec> = {}, variant: Partial<VariantSpec> = {}): EndpointSpec => ({
  endpointName: ENDPOINT,
  variants: [{ ...version, ...variant }],
  captureRate: 0.5,
  asyncInference: SERVING,
  ...overrides,
});

const rows = Array.from({ length: 500 }, () => [randomInt(0, 100_000) / 100, randomInt(0, 24)]);
const CSV = Buffer.from(rows.map((row) => `${row.join(",")}\n`).join(""));

/** Puts a payload where the invoker's artifact source finds it (the portal's store, by sha256). */
async function stored(bytes: Buffer) {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  await writeFile(path.join(artifactDir, sha256), bytes);
  return { sha256, bytes: bytes.byteLength };
}

async function outcomeOf(locations: AsyncLocations) {
  await fake.asyncInference.idle();
  return invoker.outcome(locations);
}

async function text(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text();
}

const submit = async (payload: Buffer, overrides: { endpointName?: string; invocationTimeoutSeconds?: number } = {}) =>
  invoker.submit({
    endpointName: ENDPOINT,
    inferenceId: `inv-${randomInt(1e9)}`,
    contentType: "text/csv",
    payload: await stored(payload),
    invocationTimeoutSeconds: 900,
    ...overrides,
  });

beforeAll(async () => {
  artifactDir = await mkdtemp(path.join(tmpdir(), "modelport-async-endpoint-"));
  await writeFile(path.join(artifactDir, SHA256), MODEL_BYTES);
  const input = await startStandIns(fake, fakeS3);
  const source = fileArtifactSource((sha) => path.join(artifactDir, sha));
  // No injected clients: the target and the invoker build the real SDK clients from the configuration.
  target = new SageMakerTarget(input, { artifacts: source });
  const config = parseSageMakerConfig(input);
  s3 = createS3Client(config);
  invoker = new SageMakerAsyncInvoker(createSageMakerRuntimeClient(config), s3, source, config);
  sagemaker = new SageMakerClient({ region: "eu-west-1", endpoint: input.endpointUrl, maxAttempts: 1 });
  const session = await ort.InferenceSession.create(MODEL_BYTES);
  const feeds = (column: number) =>
    new ort.Tensor("float32", Float32Array.from(rows.map((row) => row[column] ?? 0)), [rows.length, 1]);
  const result = await session.run({ amount: feeds(0), hour: feeds(1) });
  await session.release();
  payloads = new Map([["expected", Buffer.from(Array.from(result.probability?.data as Float32Array).join("\n"))]]);
});

afterAll(async () => {
  await fake.stop();
  await fakeS3.stop();
  await rm(artifactDir, { recursive: true, force: true });
});

describe("an asynchronous SageMaker endpoint: AsyncInferenceConfig, backlog scaling and InvokeEndpointAsync", () => {
  it("creates the endpoint with an AsyncInferenceConfig, no data capture, and its scaling once it is InService", async () => {
    await target.apply(asyncSpec());
    const settled = await target.waitUntilSettled(ENDPOINT, WAIT);
    expect(settled.status).toBe("healthy");
    const created = fake.requests.find((request) => request.operation === "CreateEndpointConfig")?.body;
    expect(created?.AsyncInferenceConfig).toEqual({
      OutputConfig: {
        S3OutputPath: `s3://modelport-models/prod/async/${ENDPOINT}/output`,
        S3FailurePath: `s3://modelport-models/prod/async/${ENDPOINT}/failure`,
      },
      ClientConfig: { MaxConcurrentInvocationsPerInstance: 4 },
    });
    expect(created?.DataCaptureConfig).toBeUndefined();
    const scaling = fake.asyncInference.targets.get(`endpoint/${ENDPOINT}/variant/primary`);
    expect(scaling && { min: scaling.min, max: scaling.max }).toEqual({ min: 0, max: 3 });
    const backlog = scaling?.policies.get(BACKLOG_POLICY) as {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: number; CustomizedMetricSpecification: object };
    };
    expect(backlog.TargetTrackingScalingPolicyConfiguration.TargetValue).toBe(5);
    expect(backlog.TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification).toMatchObject({
      MetricName: "ApproximateBacklogSizePerInstance",
      Dimensions: [{ Name: "EndpointName", Value: ENDPOINT }],
    });
    expect(scaling?.policies.get(WAKE_POLICY)).toMatchObject({ PolicyType: "StepScaling" });
    const alarm = fake.cloudWatch.alarms.get(wakeAlarmName(ENDPOINT));
    expect(alarm).toMatchObject({ MetricName: "HasBacklogWithoutCapacity", Threshold: 1 });
    expect(String((alarm?.AlarmActions as string[])[0])).toContain(`policyName/${WAKE_POLICY}`);
  });

  it("answers a CSV payload with the model's own predictions, staging an identical payload only once", async () => {
    const locations = await submit(CSV);
    expect(locations.outputLocation).toMatch(new RegExp(`^s3://modelport-models/prod/async/${ENDPOINT}/output/`));
    const outcome = await outcomeOf(locations);
    expect(outcome.state).toBe("succeeded");
    const answered = (await text(await invoker.open(locations.outputLocation))).trim().split("\n").map(Number);
    const expected = String(payloads.get("expected")).split("\n").map(Number);
    expect(answered).toHaveLength(rows.length);
    answered.forEach((value, index) => expect(value).toBeCloseTo(expected[index] ?? NaN, 6));

    const puts = () =>
      fakeS3.operations().filter((operation) => operation.startsWith("PUT") && operation.includes("/input/"));
    const before = puts().length;
    expect(await outcomeOf(await submit(CSV))).toMatchObject({ state: "succeeded" });
    expect(puts()).toHaveLength(before);
  });

  it("keeps requests waiting while the endpoint sleeps at zero instances, healthy, and answers them once it wakes", async () => {
    fake.asyncInference.scale(ENDPOINT, 0);
    const asleep = await target.describe(ENDPOINT);
    expect(asleep.status).toBe("healthy");
    expect(asleep.variants[0]).toMatchObject({ ready: true, replicas: 0 });
    const locations = await submit(CSV);
    expect(await outcomeOf(locations)).toEqual({ state: "pending" });
    expect(fake.asyncInference.backlog(ENDPOINT)).toBe(1);
    fake.asyncInference.scale(ENDPOINT, 1);
    expect(await outcomeOf(locations)).toMatchObject({ state: "succeeded" });
    expect(fake.asyncInference.backlog(ENDPOINT)).toBe(0);
  });

  it("fails a payload the model cannot read with the container's reason", async () => {
    const locations = await submit(Buffer.from("1.5,3\n2.5\n"));
    const outcome = await outcomeOf(locations);
    expect(outcome.state).toBe("failed");
    expect(outcome.state === "failed" && outcome.reason).toMatch(/record 2 has 1 columns/);
  });

  it("refuses out-of-limit requests before calling AWS, and SageMaker refuses a real-time endpoint", async () => {
    const before = journal.length;
    await expect(submit(CSV, { invocationTimeoutSeconds: 3601 })).rejects.toThrow(
      /InvocationTimeoutSeconds must be 1–3600/,
    );
    await expect(
      invoker.submit({
        endpointName: ENDPOINT,
        inferenceId: "x".repeat(65),
        contentType: "text/csv",
        payload: await stored(CSV),
        invocationTimeoutSeconds: 60,
      }),
    ).rejects.toThrow(/1–64 characters/);
    expect(journal.slice(before)).toEqual([]);

    await target.apply({ endpointName: "fraud-realtime", variants: [version] });
    await target.waitUntilSettled("fraud-realtime", WAIT);
    await expect(submit(CSV, { endpointName: "fraud-realtime" })).rejects.toThrow(
      /not an asynchronous inference endpoint/,
    );
    await expect(
      target.apply(asyncSpec({ variants: [version, { ...version, variantName: "challenger", weight: 0 }] })),
    ).rejects.toThrow(/serves one variant/);
  });

  it("releases scaling before an update that changes the instance type, and puts it back once the new fleet serves", async () => {
    const registered = `endpoint/${ENDPOINT}/variant/primary`;
    const start = journal.length;
    await target.apply(asyncSpec({}, { instanceType: "ml.m5.xlarge" }));
    const during = journal.slice(start);
    expect(during.indexOf("AutoScaling.DeregisterScalableTarget")).toBeGreaterThan(-1);
    expect(during.indexOf("AutoScaling.DeregisterScalableTarget")).toBeLessThan(
      during.indexOf("SageMaker.UpdateEndpoint"),
    );
    expect(fake.asyncInference.targets.has(registered)).toBe(false);
    expect((await target.waitUntilSettled(ENDPOINT, WAIT)).status).toBe("healthy");
    expect(fake.asyncInference.targets.get(registered)).toMatchObject({ min: 0, max: 3 });
  });

  it("SageMaker itself refuses an UpdateEndpoint that changes the instance type of a variant under scaling", async () => {
    const serving = fake.servingConfig(ENDPOINT) ?? "";
    const current = await sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: serving }));
    const bigger = `${serving.slice(0, 50)}-bigger`;
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: bigger,
        ProductionVariants: (current.ProductionVariants ?? []).map((v) => ({ ...v, InstanceType: "ml.c5.2xlarge" })),
        AsyncInferenceConfig: current.AsyncInferenceConfig,
      }),
    );
    await expect(
      sagemaker.send(new UpdateEndpointCommand({ EndpointName: ENDPOINT, EndpointConfigName: bigger })),
    ).rejects.toThrow(/registered with Application Auto Scaling/);
  });

  it("an update SageMaker rolls back gets the old config's scaling back; an update never sent keeps it", async () => {
    const registered = `endpoint/${ENDPOINT}/variant/primary`;
    fake.setAlarm("fraud-detector-5xx", "ALARM");
    await target.apply(asyncSpec({}, { instanceType: "ml.c5.xlarge" }), {
      rollout: { kind: "canary", canaryPercent: 10, bakeSeconds: 60 },
    });
    expect(fake.asyncInference.targets.has(registered)).toBe(false);
    const rolledBack = await target.waitUntilSettled(ENDPOINT, WAIT);
    fake.setAlarm("fraud-detector-5xx", "OK");
    expect(rolledBack.failureReason).toBeDefined();
    expect(fake.asyncInference.targets.get(registered)).toMatchObject({ min: 0, max: 3 });
    expect(fake.cloudWatch.alarms.has(wakeAlarmName(ENDPOINT))).toBe(true);

    fake.throttle("UpdateEndpoint", 10);
    await expect(target.apply(asyncSpec({}, { instanceType: "ml.c5.xlarge" }))).rejects.toThrow(/ThrottlingException/);
    fake.throttle("UpdateEndpoint", 0);
    expect(fake.asyncInference.targets.get(registered)).toMatchObject({ min: 0, max: 3 });
    expect(fake.cloudWatch.alarms.has(wakeAlarmName(ENDPOINT))).toBe(true);
  });

  it("turning real-time removes the backlog scaling and its alarm before the update", async () => {
    await target.apply({ endpointName: ENDPOINT, variants: [version] });
    expect(fake.asyncInference.targets.size).toBe(0);
    expect(fake.cloudWatch.alarms.has(wakeAlarmName(ENDPOINT))).toBe(false);
    const settled = await target.waitUntilSettled(ENDPOINT, WAIT);
    expect(settled.status).toBe("healthy");
    expect(fake.asyncInference.targets.size).toBe(0);
    await expect(submit(CSV)).rejects.toThrow(/not an asynchronous inference endpoint/);
  });

  it("deleting an asynchronous endpoint removes its wake alarm too", async () => {
    await target.apply(asyncSpec());
    await target.waitUntilSettled(ENDPOINT, WAIT);
    expect(fake.cloudWatch.alarms.has(wakeAlarmName(ENDPOINT))).toBe(true);
    await target.delete(ENDPOINT);
    expect(fake.cloudWatch.alarms.has(wakeAlarmName(ENDPOINT))).toBe(false);
    expect(fake.asyncInference.targets.size).toBe(0);
  });
});
