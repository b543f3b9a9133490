import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelArtifactError } from "@/server/integrations/sagemaker/errors";
import { fileArtifactSource } from "@/server/integrations/sagemaker/file-artifact-source";
import { SageMakerTarget } from "@/server/integrations/sagemaker/sagemaker-target";
import { spec, testConfig, variant } from "@/tests/unit/sagemaker/helpers";
import { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import { FakeSageMaker } from "@/tests/integration/sagemaker/fake-sagemaker-server";

/** Calls to both fakes, in order ("S3.PutObject", "SageMaker.CreateModel", ...). */
const journal: string[] = [];
const fake = new FakeSageMaker(journal);
const fakeS3 = new FakeS3(journal);
let target: SageMakerTarget;
let artifactDir: string;
const WAIT = { timeoutMs: 10_000, pollMs: 1 };
const primary = (version: number, weight = 100) => variant(version, weight, { variantName: "primary" });

/** The operations the target sent during `action`. */
async function operationsDuring(action: () => Promise<unknown>): Promise<string[]> {
  const before = fake.requests.length;
  await action();
  return fake.operations().slice(before);
}
const writes = (operations: string[]) => operations.filter((operation) => !/^(Describe|List)/.test(operation));

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = "AKIAMODELPORTTEST";
  process.env.AWS_SECRET_ACCESS_KEY = "modelport-test-secret";
  artifactDir = await mkdtemp(path.join(tmpdir(), "modelport-sagemaker-artifacts-"));
  // No injected clients: the target builds the real SDK clients from its configuration, pointed at the local APIs.
  target = new SageMakerTarget(testConfig({ endpointUrl: await fake.start(), s3EndpointUrl: await fakeS3.start() }), {
    artifacts: fileArtifactSource((sha256) => path.join(artifactDir, sha256)),
  });
});

afterAll(async () => {
  await fake.stop();
  await fakeS3.stop();
  await rm(artifactDir, { recursive: true, force: true });
});

describe("SageMaker target: the real SDK client against a local SageMaker API, one endpoint's whole life", () => {
  it("creates the endpoint with signed AWS JSON requests and waits until it is healthy", async () => {
    await expect(target.describe("fraud-detector")).resolves.toMatchObject({ status: "absent" });

    const operations = await operationsDuring(() => target.apply(spec(primary(1))));
    expect(writes(operations)).toEqual(["CreateModel", "CreateEndpointConfig", "CreateEndpoint"]);
    expect(fake.requests.at(-1)?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAMODELPORTTEST\/\d{8}\/eu-west-1\/sagemaker\/aws4_request/,
    );

    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toEqual({
      endpointName: "fraud-detector",
      status: "healthy",
      variants: [{ variantName: "primary", weight: 100, ready: true, replicas: 1 }],
    });
  });

  it("applying the same spec again changes nothing", async () => {
    expect(writes(await operationsDuring(() => target.apply(spec(primary(1)))))).toEqual([]);
  });

  it("rolls a new version out as a blue/green canary, retrying throttled calls, and ends healthy on the new config", async () => {
    fake.throttle("CreateModel", 2);
    const operations = await operationsDuring(() =>
      target.apply(spec(primary(2)), { rollout: { kind: "canary", canaryPercent: 10, bakeSeconds: 60 } }),
    );

    expect(writes(operations)).toEqual([
      "CreateModel",
      "CreateModel",
      "CreateModel",
      "CreateEndpointConfig",
      "AddTags",
      "UpdateEndpoint",
    ]);
    const update = fake.requests.find((request) => request.operation === "UpdateEndpoint")?.body;
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
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({ status: "healthy" });
  });

  it("reports an update SageMaker rolled back as failed, although the endpoint ends InService", async () => {
    fake.failNextUpdate("CloudWatch alarm fraud-detector-p99 is in ALARM");
    await target.apply(spec(primary(3)), { rollout: { kind: "linear", stepPercent: 25, stepBakeSeconds: 30 } });

    const state = await target.waitUntilSettled("fraud-detector", WAIT);

    expect(state.status).toBe("failed");
    expect(state.message).toContain("The update was rolled back: CloudWatch alarm fraud-detector-p99 is in ALARM.");
    await expect(target.describe("fraud-detector")).resolves.toMatchObject({ status: "healthy" });
  });

  it("rolling back to the serving version needs no new fleet and then waits healthy", async () => {
    expect(writes(await operationsDuring(() => target.apply(spec(primary(2)))))).toEqual(["AddTags"]);
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({ status: "healthy" });
  });

  it("adds a second variant, shifts weights, and restores the spec's weights without a new config", async () => {
    await target.apply(spec(primary(2, 80), variant(4, 20)));
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({
      status: "healthy",
      variants: [
        expect.objectContaining({ variantName: "fraud-xgb-v4", weight: 20 }),
        expect.objectContaining({ variantName: "primary", weight: 80 }),
      ],
    });

    await target.setWeights("fraud-detector", { primary: 50, "fraud-xgb-v4": 50 });
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({
      variants: [expect.objectContaining({ weight: 50 }), expect.objectContaining({ weight: 50 })],
    });

    expect(writes(await operationsDuring(() => target.apply(spec(primary(2, 80), variant(4, 20)))))).toEqual([
      "UpdateEndpointWeightsAndCapacities",
    ]);
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({
      variants: [
        expect.objectContaining({ variantName: "fraud-xgb-v4", weight: 20 }),
        expect.objectContaining({ variantName: "primary", weight: 80 }),
      ],
    });
  });

  it("refuses a second update while one is in progress, with SageMaker untouched", async () => {
    await target.apply(spec(primary(5)));
    await expect(target.apply(spec(primary(6)))).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({ status: "healthy" });
  });

  it("deletes the endpoint and every model and config it created; deleting again is fine", async () => {
    expect(fake.resourceNames().models.length).toBeGreaterThan(0);
    await target.delete("fraud-detector");

    expect(fake.resourceNames()).toEqual({ models: [], configs: [], endpoints: [] });
    await expect(target.describe("fraud-detector")).resolves.toMatchObject({ status: "absent" });
    await expect(target.delete("fraud-detector")).resolves.toBeUndefined();
  });
});

/** Stores bytes in the local "artifact store" under their sha256 (or under `claimedSha256`, to fake corruption). */
async function storeArtifact(bytes: Buffer, claimedSha256?: string): Promise<string> {
  const sha256 = claimedSha256 ?? createHash("sha256").update(bytes).digest("hex");
  await writeFile(path.join(artifactDir, sha256), bytes);
  return sha256;
}
let uploadedSha256 = "";
const registryVariant = (sha256: string) =>
  variant(7, 100, { variantName: "primary", artifactUri: `artifacts/${sha256}/model`, artifactSha256: sha256 });

describe("SageMaker target: registry artifacts uploaded by the real S3 client to a local S3 stand-in", () => {
  it("streams the bytes to <prefix>/<sha256>/model, signed and checksummed, before CreateModel points at them", async () => {
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
    const stored = fakeS3.objects.get(`/modelport-models/prod/${sha256}/model`);
    expect(stored?.body.equals(bytes)).toBe(true);
    expect(stored?.headers).toMatchObject({
      "x-amz-meta-sha256": sha256,
      "x-amz-server-side-encryption": "AES256",
      "content-type": "application/octet-stream",
    });
    expect(fakeS3.requests.at(-1)?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAMODELPORTTEST\/\d{8}\/eu-west-1\/s3\/aws4_request/,
    );
    const createModel = fake.requests.findLast((request) => request.operation === "CreateModel")?.body;
    expect(createModel?.PrimaryContainer).toMatchObject({
      ModelDataSource: {
        S3DataSource: {
          S3Uri: `s3://modelport-models/prod/${sha256}/model`,
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
      message: expect.stringContaining(`S3 HeadObject of s3://modelport-models/prod/${sha256}/model failed: `),
    });
    expect(String(error)).toContain("(HTTP 403)");
    expect(String(error)).toContain("s3:ListBucket");
    expect(journal).toEqual(["SageMaker.DescribeEndpoint", "S3.HeadObject"]);
  });
});
