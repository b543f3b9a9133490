import {
  CreateEndpointConfigCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from "@aws-sdk/client-sagemaker";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RolloutStrategy, VariantSpec } from "@/server/integrations/targets/deployment-target";
import { ModelArtifactError } from "@/server/integrations/sagemaker/errors";
import { fileArtifactSource } from "@/server/integrations/sagemaker/file-artifact-source";
import { SageMakerTarget } from "@/server/integrations/sagemaker/sagemaker-target";
import { ONNX_IMAGE, VLLM_IMAGE, spec, testConfig, variant } from "@/tests/unit/sagemaker/helpers";
import { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import { FakeSageMaker } from "@/tests/integration/sagemaker/fake-sagemaker-server";

const CONTAINER_IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sklearn-inference:1.4";
/** Calls to both fakes, in order ("S3.PutObject", "SageMaker.CreateModel", ...). */
const journal: string[] = [];
const fake = new FakeSageMaker(journal, { transitionMs: 30, msPerSecond: 0.5 });
const fakeS3 = new FakeS3(journal);
let sagemakerUrl: string;
let target: SageMakerTarget;
let artifactDir: string;
const WAIT = { timeoutMs: 10_000, pollMs: 2 };
const CANARY: RolloutStrategy = { kind: "canary", canaryPercent: 10, bakeSeconds: 60 };
const LINEAR: RolloutStrategy = { kind: "linear", stepPercent: 25, stepBakeSeconds: 30 };

const targetWith = (overrides: Parameters<typeof testConfig>[0] = {}) =>
  new SageMakerTarget(
    testConfig({
      endpointUrl: sagemakerUrl,
      s3EndpointUrl: fakeS3Url,
      images: { ONNX: ONNX_IMAGE, VLLM: VLLM_IMAGE, CONTAINER: CONTAINER_IMAGE },
      pollMs: 2,
      ...overrides,
    }),
    { artifacts: fileArtifactSource((sha256) => path.join(artifactDir, sha256)) },
  );
let fakeS3Url: string;

/** A version in the endpoint's one slot, as the deployment asks for it (variantName from the target). */
const primary = (version: number, weight = 100, overrides: Partial<VariantSpec> = {}) =>
  variant(version, weight, { variantName: target.variantName("fraud-xgb", version), ...overrides });

/** The requests the target sent during `action`. */
async function requestsDuring(action: () => Promise<unknown>) {
  const before = fake.requests.length;
  await action();
  return fake.requests.slice(before);
}
const writes = (requests: { operation: string }[]) =>
  requests.map((request) => request.operation).filter((operation) => !/^(Describe|List)/.test(operation));
const updatesIn = (requests: { operation: string; body: Record<string, unknown> }[]) =>
  requests.filter((request) => request.operation === "UpdateEndpoint").map((request) => request.body);

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = "AKIAMODELPORTTEST";
  process.env.AWS_SECRET_ACCESS_KEY = "modelport-test-secret";
  artifactDir = await mkdtemp(path.join(tmpdir(), "modelport-sagemaker-artifacts-"));
  sagemakerUrl = await fake.start();
  fakeS3Url = await fakeS3.start();
  // No injected clients: the target builds the real SDK clients from its configuration, pointed at the local APIs.
  target = targetWith();
});

afterAll(async () => {
  await fake.stop();
  await fakeS3.stop();
  await rm(artifactDir, { recursive: true, force: true });
});

describe("SageMaker target: native blue/green releases against a local SageMaker API, one endpoint's whole life", () => {
  let servingV2 = "";

  it("creates the endpoint with signed AWS JSON requests and waits until it is healthy, in the stable slot", async () => {
    await expect(target.describe("fraud-detector")).resolves.toMatchObject({ status: "absent" });
    expect(target.variantName("fraud-xgb", 1)).toBe(target.variantName("fraud-xgb", 2));

    const requests = await requestsDuring(() => target.apply(spec(primary(1)), { rollout: CANARY }));
    expect(writes(requests)).toEqual(["CreateModel", "CreateEndpointConfig", "CreateEndpoint"]);
    expect(fake.requests.at(-1)?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAMODELPORTTEST\/\d{8}\/eu-west-1\/sagemaker\/aws4_request/,
    );

    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toEqual({
      endpointName: "fraud-detector",
      status: "healthy",
      variants: [{ variantName: "primary", weight: 100, ready: true, replicas: 2 }],
    });
    expect(fake.fleets("fraud-detector")).toBe(1);
  });

  it("applying the same spec again changes nothing", async () => {
    expect(writes(await requestsDuring(() => target.apply(spec(primary(1)), { rollout: CANARY })))).toEqual([]);
  });

  it("rolls a new version out as one blue/green canary UpdateEndpoint, retrying throttled calls, replacing the fleet once", async () => {
    fake.throttle("CreateModel", 2);
    const requests = await requestsDuring(() => target.apply(spec(primary(2)), { rollout: CANARY }));

    expect(writes(requests)).toEqual([
      "CreateModel",
      "CreateModel",
      "CreateModel",
      "CreateEndpointConfig",
      "AddTags",
      "UpdateEndpoint",
    ]);
    const [update] = updatesIn(requests);
    expect(update?.DeploymentConfig).toMatchObject({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: {
          Type: "CANARY",
          CanarySize: { Type: "CAPACITY_PERCENT", Value: 10 },
          WaitIntervalInSeconds: 60,
        },
      },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: "fraud-detector-5xx" }, { AlarmName: "fraud-detector-p99" }] },
    });
    // Not healthy before SageMaker leaves Updating: the bake is still running.
    await expect(target.describe("fraud-detector")).resolves.toMatchObject({ status: "updating" });

    const settled = await target.waitUntilSettled("fraud-detector", WAIT);

    expect(settled).toMatchObject({ status: "healthy", variants: [{ variantName: "primary", weight: 100 }] });
    expect(settled.failureReason).toBeUndefined();
    servingV2 = String(update?.EndpointConfigName);
    expect(fake.servingConfig("fraud-detector")).toBe(servingV2);
    expect(fake.fleets("fraud-detector")).toBe(2);
  });

  it("reports a canary SageMaker rolled back on an alarm as healthy with a failureReason, still serving the prior config", async () => {
    fake.setAlarm("fraud-detector-p99", "ALARM");
    const requests = await requestsDuring(() => target.apply(spec(primary(3)), { rollout: CANARY }));
    expect(updatesIn(requests)).toHaveLength(1);

    const settled = await target.waitUntilSettled("fraud-detector", WAIT);
    fake.setAlarm("fraud-detector-p99", "OK");

    expect(settled.status).toBe("healthy");
    expect(settled.failureReason).toContain("CloudWatch alarm fraud-detector-p99 went into ALARM state");
    expect(settled.failureReason).toContain(`It still serves ${servingV2}`);
    expect(fake.servingConfig("fraud-detector")).toBe(servingV2);
  });

  it("a restore to what already serves is a no-op: no new config, model or fleet, and the failure is not reported again", async () => {
    const fleets = fake.fleets("fraud-detector");
    const requests = await requestsDuring(() => target.apply(spec(primary(2))));

    expect(writes(requests)).toEqual(["AddTags"]);
    expect(fake.fleets("fraud-detector")).toBe(fleets);
    const settled = await target.waitUntilSettled("fraud-detector", WAIT);
    expect(settled).toMatchObject({ status: "healthy" });
    expect(settled.failureReason).toBeUndefined();
    expect(writes(await requestsDuring(() => target.apply(spec(primary(2)))))).toEqual([]);
  });

  it("recovers UpdateRollbackFailed by restoring the config that served before the update, and reports the failure", async () => {
    fake.failNextUpdateRollback("The new fleet failed its health checks and the old one could not be restored");
    const requests = await requestsDuring(async () => {
      await target.apply(spec(primary(4)), { rollout: LINEAR });
      const settled = await target.waitUntilSettled("fraud-detector", WAIT);
      expect(settled.status).toBe("healthy");
      expect(settled.failureReason).toContain("UpdateRollbackFailed: The new fleet failed its health checks");
      expect(settled.failureReason).toContain(`Modelport restored ${servingV2}`);
    });

    const [release, restore] = updatesIn(requests);
    expect(release?.DeploymentConfig).toMatchObject({
      BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "LINEAR" } },
    });
    expect(restore).toMatchObject({
      EndpointConfigName: servingV2,
      DeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE" } } },
    });
    expect(restore?.DeploymentConfig).not.toHaveProperty("AutoRollbackConfiguration");
    expect(fake.servingConfig("fraud-detector")).toBe(servingV2);
    // The deployment's own restore then finds the endpoint serving the prior spec.
    expect(writes(await requestsDuring(() => target.apply(spec(primary(2)))))).toEqual(["AddTags"]);
  });

  it("does not resend an UpdateEndpoint whose answer was lost: it re-describes and finds it under way", async () => {
    fake.loseNextResponse("UpdateEndpoint");
    const requests = await requestsDuring(() => target.apply(spec(primary(5)), { rollout: { kind: "all-at-once" } }));

    expect(updatesIn(requests)).toHaveLength(1);
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({ status: "healthy" });
    expect(fake.servingConfig("fraud-detector")).toBe(updatesIn(requests)[0]?.EndpointConfigName);
  });

  it("refuses a second update while one is in progress, with SageMaker untouched", async () => {
    await target.apply(spec(primary(6)), { rollout: { kind: "all-at-once" } });
    const requests = await requestsDuring(() =>
      expect(target.apply(spec(primary(7)), { rollout: CANARY })).rejects.toMatchObject({ code: "CONFLICT" }),
    );
    expect(updatesIn(requests)).toEqual([]);
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({ status: "healthy" });
  });

  it("setWeights returns only once SageMaker serves the weights, so the next change is never refused as in progress", async () => {
    await target.apply(spec(primary(6, 80), variant(8, 20)));
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({ status: "healthy" });

    await expect(target.setWeights("fraud-detector", { primary: 50, "fraud-xgb-v8": 50 })).resolves.toMatchObject({
      status: "healthy",
      variants: [expect.objectContaining({ weight: 50 }), expect.objectContaining({ weight: 50 })],
    });
    await expect(target.setWeights("fraud-detector", { primary: 90, "fraud-xgb-v8": 10 })).resolves.toMatchObject({
      status: "healthy",
      variants: expect.arrayContaining([
        expect.objectContaining({ variantName: "primary", weight: 90 }),
        expect.objectContaining({ variantName: "fraud-xgb-v8", weight: 10 }),
      ]),
    });
  });

  it("deletes the endpoint and every model and config it created; deleting again is fine", async () => {
    expect(fake.resourceNames().models.length).toBeGreaterThan(0);
    await target.delete("fraud-detector");

    expect(fake.resourceNames()).toEqual({ models: [], configs: [], endpoints: [] });
    await expect(target.describe("fraud-detector")).resolves.toMatchObject({ status: "absent" });
    await expect(target.delete("fraud-detector")).resolves.toBeUndefined();
  });
});

describe("SageMaker target: refusals before anything is sent", () => {
  it.each([CANARY, LINEAR])("refuses a $kind rollout when no rollback alarms are configured", async (rollout) => {
    const withoutAlarms = targetWith({ rollbackAlarmNames: [] });
    const requests = await requestsDuring(() =>
      expect(withoutAlarms.apply(spec(primary(1)), { rollout })).rejects.toMatchObject({
        retryable: false,
        code: "BAD_REQUEST",
        message: expect.stringContaining("MODELPORT_SAGEMAKER_ROLLBACK_ALARMS"),
      }),
    );
    expect(requests).toEqual([]);
  });
});

describe("the SageMaker stand-in enforces SageMaker's rules", () => {
  // Time stands still here until the test moves it on, so "in progress" lasts as long as the test needs.
  const frozen = new FakeSageMaker([], { transitionMs: 600_000, msPerSecond: 1000 });
  let client: SageMakerClient;
  beforeAll(async () => {
    const url = await frozen.start();
    client = new SageMakerClient({ region: "eu-west-1", endpoint: url, maxAttempts: 1 });
    await targetWith({ endpointUrl: url }).apply({ endpointName: "rules", variants: [primary(1)] });
    await client.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: "rules-renamed",
        ProductionVariants: [{ VariantName: "fraud-xgb-v2", ModelName: "any", InitialVariantWeight: 1 }],
      }),
    );
  });
  afterAll(() => frozen.stop());

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => "accepted",
      (error: Error) => `${error.name}: ${error.message}`,
    );

  it("refuses updates and weight changes while the endpoint is not InService", async () => {
    const update = new UpdateEndpointCommand({ EndpointName: "rules", EndpointConfigName: "rules-renamed" });
    await expect(refusal(client.send(update))).resolves.toMatch(
      /^ValidationException: Cannot update in-progress endpoint/,
    );
    const weights = new UpdateEndpointWeightsAndCapacitiesCommand({
      EndpointName: "rules",
      DesiredWeightsAndCapacities: [{ VariantName: "primary", DesiredWeight: 1 }],
    });
    await expect(refusal(client.send(weights))).resolves.toMatch(
      /^ValidationException: Cannot update in-progress endpoint/,
    );
  });

  it("refuses a canary that renames the variants, and a canary larger than half the fleet", async () => {
    frozen.finishOperations();
    const canary = (Value: number, EndpointConfigName: string) =>
      new UpdateEndpointCommand({
        EndpointName: "rules",
        EndpointConfigName,
        DeploymentConfig: {
          BlueGreenUpdatePolicy: {
            TrafficRoutingConfiguration: {
              Type: "CANARY",
              CanarySize: { Type: "CAPACITY_PERCENT", Value },
              WaitIntervalInSeconds: 60,
            },
          },
        },
      });
    await expect(refusal(client.send(canary(10, "rules-renamed")))).resolves.toMatch(/same variant names/);
    const serving = frozen.servingConfig("rules") ?? "";
    await expect(refusal(client.send(canary(60, serving)))).resolves.toMatch(/CanarySize/);
    await expect(refusal(client.send(canary(10, serving)))).resolves.toBe("accepted");
  });
});

/** Stores bytes in the local "artifact store" under their sha256 (or under `claimedSha256`, to fake corruption). */
async function storeArtifact(bytes: Buffer, claimedSha256?: string): Promise<string> {
  const sha256 = claimedSha256 ?? createHash("sha256").update(bytes).digest("hex");
  await writeFile(path.join(artifactDir, sha256), bytes);
  return sha256;
}
let uploadedSha256 = "";
/** A variant as the deployment builds it for a registry artifact: a store path, plus the artifact's own file name. */
const registryVariant = (sha256: string, artifactFileName = "model.onnx", overrides: Partial<VariantSpec> = {}) =>
  primary(7, 100, { artifactUri: `artifacts/${sha256}/model`, artifactSha256: sha256, artifactFileName, ...overrides });
const createModelBody = () => fake.requests.findLast((request) => request.operation === "CreateModel")?.body;

describe("SageMaker target: registry artifacts uploaded by the real S3 client to a local S3 stand-in", () => {
  it("streams the bytes to <prefix>/<sha256>/<the artifact's file name>, signed and checksummed, before CreateModel", async () => {
    const bytes = randomBytes(256 * 1024);
    const sha256 = await storeArtifact(bytes);
    uploadedSha256 = sha256;
    journal.length = 0;

    await target.apply({ endpointName: "churn-scorer", variants: [registryVariant(sha256)] });

    expect(journal.filter((call) => /S3|CreateModel/.test(call))).toEqual([
      "S3.HeadObject",
      "S3.PutObject",
      "SageMaker.CreateModel",
    ]);
    const stored = fakeS3.objects.get(`/modelport-models/prod/${sha256}/model.onnx`);
    expect(stored?.body.equals(bytes)).toBe(true);
    expect(stored?.headers).toMatchObject({
      "x-amz-meta-sha256": sha256,
      "x-amz-server-side-encryption": "AES256",
      "content-type": "application/octet-stream",
    });
    expect(fakeS3.requests.at(-1)?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAMODELPORTTEST\/\d{8}\/eu-west-1\/s3\/aws4_request/,
    );
    expect(createModelBody()?.PrimaryContainer).toMatchObject({
      ModelDataSource: {
        S3DataSource: {
          S3Uri: `s3://modelport-models/prod/${sha256}/model.onnx`,
          S3DataType: "S3Object",
          CompressionType: "None",
        },
      },
    });
    await expect(target.waitUntilSettled("churn-scorer", WAIT)).resolves.toMatchObject({ status: "healthy" });
  });

  it("a later apply that needs the model again finds the object by its sha256 and uploads nothing", async () => {
    journal.length = 0;

    await target.apply({
      endpointName: "churn-scorer",
      variants: [{ ...registryVariant(uploadedSha256), instanceCount: 3 }],
    });

    expect(journal.filter((call) => call.startsWith("S3."))).toEqual(["S3.HeadObject"]);
    await expect(target.waitUntilSettled("churn-scorer", WAIT)).resolves.toMatchObject({ status: "healthy" });
  });

  it("keeps a model.tar.gz as it is, for SageMaker to unpack (ModelDataUrl)", async () => {
    const bytes = randomBytes(4096);
    const sha256 = await storeArtifact(bytes);

    await target.apply({ endpointName: "eta-model", variants: [registryVariant(sha256, "model.tar.gz")] });

    expect(fakeS3.objects.get(`/modelport-models/prod/${sha256}/model.tar.gz`)?.body.equals(bytes)).toBe(true);
    expect(createModelBody()?.PrimaryContainer).toMatchObject({
      ModelDataUrl: `s3://modelport-models/prod/${sha256}/model.tar.gz`,
    });
  });

  it("packs a single file into a deterministic model.tar.gz for a container that expects one", async () => {
    const bytes = Buffer.from("a pickled scikit-learn model");
    const sha256 = await storeArtifact(bytes);

    await target.apply({
      endpointName: "ranker",
      variants: [registryVariant(sha256, "model.joblib", { format: "CONTAINER" })],
    });

    const stored = fakeS3.objects.get(`/modelport-models/prod/${sha256}/model.tar.gz`);
    const tar = gunzipSync(stored?.body ?? Buffer.alloc(0));
    expect(tar.subarray(0, 12).toString()).toBe("model.joblib");
    expect(tar.subarray(512, 512 + bytes.byteLength).equals(bytes)).toBe(true);
    expect(stored?.headers).toMatchObject({
      "x-amz-meta-sha256": createHash("sha256")
        .update(stored?.body ?? "")
        .digest("hex"),
      "x-amz-meta-source-sha256": sha256,
      "x-amz-meta-tar-entry": "model.joblib",
    });
    expect(createModelBody()?.PrimaryContainer).toMatchObject({
      Image: CONTAINER_IMAGE,
      ModelDataUrl: `s3://modelport-models/prod/${sha256}/model.tar.gz`,
    });
  });

  it("refuses bytes that do not match their sha256 (S3 checks the checksum) without retrying or creating a model", async () => {
    const sha256 = await storeArtifact(Buffer.from("corrupted"), "ef".repeat(32));
    journal.length = 0;

    const error = await target
      .apply({ endpointName: "churn-scorer-2", variants: [registryVariant(sha256)] })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ModelArtifactError);
    expect(error).toMatchObject({
      retryable: false,
      message: expect.stringContaining("S3 PutObject of s3://modelport-models/prod/efef"),
    });
    expect(String(error)).toContain(
      "BadDigest (HTTP 400): The SHA256 you specified did not match the calculated checksum.",
    );
    expect(journal.filter((call) => call.startsWith("S3.") || call === "SageMaker.CreateModel")).toEqual([
      "S3.HeadObject",
      "S3.PutObject",
    ]);
  });

  it("reports missing permissions once, naming the object, when S3 refuses the credentials", async () => {
    const sha256 = await storeArtifact(Buffer.from("another model"));
    fakeS3.deny();
    journal.length = 0;

    const error = await target
      .apply({ endpointName: "churn-scorer-3", variants: [registryVariant(sha256)] })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      retryable: false,
      message: expect.stringContaining(`S3 HeadObject of s3://modelport-models/prod/${sha256}/model.onnx failed: `),
    });
    expect(String(error)).toContain("(HTTP 403)");
    expect(String(error)).toContain("s3:ListBucket");
    expect(journal).toEqual(["SageMaker.DescribeEndpoint", "S3.HeadObject"]);
  });
});
