import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { CreateModelCommand, DescribeEndpointCommand } from "@aws-sdk/client-sagemaker";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { buffer, text } from "node:stream/consumers";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sageMakerConfigFromEnv } from "@/server/integrations/sagemaker/config";
import { ModelArtifactError } from "@/server/integrations/sagemaker/errors";
import { fileArtifactSource } from "@/server/integrations/sagemaker/file-artifact-source";
import {
  ROLE,
  endpointNotFound,
  liveEndpoint,
  mockedTarget,
  s3Error,
  spec,
  throttled,
  variant,
} from "@/tests/unit/sagemaker/helpers";

const SHA = "ab".repeat(32);
const BYTES = Buffer.from("onnx model bytes");
const KEY = `prod/${SHA}/model`;
const URI = `s3://modelport-models/${KEY}`;
/** A variant as the worker builds it for a registry artifact (workers/deployment-runtime.ts). */
const registryVariant = (overrides: Parameters<typeof variant>[2] = {}) =>
  variant(1, 100, { artifactUri: `artifacts/${SHA}/model`, artifactSha256: SHA, ...overrides });
const notFound = () => new NotFound({ message: "Not Found", $metadata: { httpStatusCode: 404 } });

/** A target about to create a new endpoint, with BYTES in its artifact store under SHA. */
function creatingTarget(...args: Parameters<typeof mockedTarget>) {
  const env = mockedTarget(args[0], args[1] ?? { [SHA]: BYTES });
  env.sagemaker
    .on(DescribeEndpointCommand)
    .rejectsOnce(endpointNotFound())
    .resolves(liveEndpoint({ EndpointStatus: "Creating", ProductionVariants: [] }));
  env.s3.on(HeadObjectCommand).rejects(notFound());
  return env;
}

async function failureOf(promise: Promise<unknown>): Promise<ModelArtifactError> {
  const error = await promise.catch((caught: unknown) => caught);
  if (!(error instanceof ModelArtifactError)) throw new Error(`Expected a ModelArtifactError, got ${String(error)}`);
  return error;
}

describe("apply: registry artifacts are uploaded to S3 before CreateModel", () => {
  it("uploads an absent artifact with its sha256, checksum and S3-managed encryption, then points CreateModel at it", async () => {
    const env = creatingTarget();

    await env.target.apply(spec(registryVariant()));

    expect(env.s3.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({ Bucket: "modelport-models", Key: KEY });
    const put = env.s3.commandCalls(PutObjectCommand);
    expect(put).toHaveLength(1);
    expect(put[0]?.args[0].input).toEqual({
      Bucket: "modelport-models",
      Key: KEY,
      Body: expect.any(Object),
      ContentLength: BYTES.byteLength,
      ContentType: "application/octet-stream",
      ChecksumSHA256: Buffer.from(SHA, "hex").toString("base64"),
      Metadata: { sha256: SHA },
      ServerSideEncryption: "AES256",
    });
    const createModel = env.sagemaker.commandCalls(CreateModelCommand)[0];
    expect(createModel?.args[0].input.PrimaryContainer?.ModelDataSource).toEqual({
      S3DataSource: { S3Uri: URI, S3DataType: "S3Object", CompressionType: "None" },
    });
    expect(put[0]?.calledBefore(createModel ?? put[0])).toBe(true);
  });

  it("encrypts with the configured KMS key", async () => {
    const env = creatingTarget({ s3KmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/modelport" });

    await env.target.apply(spec(registryVariant()));

    expect(env.s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: "arn:aws:kms:eu-west-1:123456789012:key/modelport",
    });
  });

  it("skips the upload when the object is already there with the same sha256 and size (a retried job)", async () => {
    const env = creatingTarget();
    env.s3.on(HeadObjectCommand).resolves({ Metadata: { sha256: SHA }, ContentLength: BYTES.byteLength });

    await env.target.apply(spec(registryVariant()));

    expect(env.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(env.artifacts.opened).toEqual([]);
    expect(env.sagemaker.commandCalls(CreateModelCommand)).toHaveLength(1);
  });

  it.each([
    ["another sha256", { Metadata: { sha256: "cd".repeat(32) }, ContentLength: BYTES.byteLength }],
    ["no sha256 metadata", { ContentLength: BYTES.byteLength }],
    ["the same sha256 but another size (a truncated object)", { Metadata: { sha256: SHA }, ContentLength: 3 }],
  ])("re-uploads an object with %s", async (_case, head) => {
    const env = creatingTarget();
    env.s3.on(HeadObjectCommand).resolves(head);

    await env.target.apply(spec(registryVariant()));

    expect(env.s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it("uploads an artifact shared by two variants once", async () => {
    const env = creatingTarget();

    await env.target.apply(
      spec(registryVariant({ weight: 50 }), registryVariant({ variantName: "fraud-xgb-v1b", weight: 50 })),
    );

    expect(env.s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    expect(env.sagemaker.commandCalls(CreateModelCommand)).toHaveLength(2);
  });

  it("touches no S3 object for artifacts that already live on S3", async () => {
    const env = creatingTarget();

    await env.target.apply(spec(variant(1, 100)));

    expect(env.s3.calls()).toHaveLength(0);
  });

  it("sends a large artifact as a multipart upload with per-part SHA256 checksums", async () => {
    const MIB = 1024 * 1024;
    const large = Buffer.alloc(6 * MIB, 7);
    const env = creatingTarget({ s3MultipartThresholdBytes: 5 * MIB, s3PartSizeBytes: 5 * MIB }, { [SHA]: large });
    env.s3.on(CreateMultipartUploadCommand).resolves({ UploadId: "upload-1" });
    env.s3
      .on(UploadPartCommand)
      .callsFake((input: { PartNumber?: number }) => ({ ETag: `"part-${input.PartNumber}"` }));
    env.s3.on(CompleteMultipartUploadCommand).resolves({});

    await env.target.apply(spec(registryVariant()));

    expect(env.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(env.s3.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input).toMatchObject({
      Bucket: "modelport-models",
      Key: KEY,
      Metadata: { sha256: SHA },
      ServerSideEncryption: "AES256",
      ChecksumAlgorithm: "SHA256",
    });
    const parts = env.s3
      .commandCalls(UploadPartCommand)
      .map((call) => [call.args[0].input.PartNumber, (call.args[0].input.Body as Uint8Array).byteLength]);
    expect(parts.sort()).toEqual([
      [1, 5 * MIB],
      [2, MIB],
    ]);
    const complete = env.s3.commandCalls(CompleteMultipartUploadCommand);
    expect(complete[0]?.args[0].input.MultipartUpload?.Parts?.map((part) => part.ETag)).toEqual([
      '"part-1"',
      '"part-2"',
    ]);
    expect(complete[0]?.calledBefore(env.sagemaker.commandCalls(CreateModelCommand)[0] ?? complete[0])).toBe(true);
  });
});

describe("apply: artifacts keep their file name and packaging", () => {
  /** PutObject bodies as the S3 client received them. */
  async function uploadedBodies(env: ReturnType<typeof creatingTarget>) {
    const bodies: Buffer[] = [];
    env.s3.on(PutObjectCommand).callsFake(async (input: { Body: Readable }) => {
      bodies.push(await buffer(input.Body));
      return {};
    });
    return bodies;
  }
  const containerOf = (env: ReturnType<typeof creatingTarget>) =>
    env.sagemaker.commandCalls(CreateModelCommand)[0]?.args[0].input.PrimaryContainer;

  it("keys the object by the artifact's own file name and mounts it as that file", async () => {
    const env = creatingTarget();

    await env.target.apply(spec(registryVariant({ artifactFileName: "model.onnx" })));

    expect(env.s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Key).toBe(`prod/${SHA}/model.onnx`);
    expect(containerOf(env)?.ModelDataSource?.S3DataSource?.S3Uri).toBe(`s3://modelport-models/prod/${SHA}/model.onnx`);
  });

  it("keeps a .tar.gz as it is, for SageMaker to unpack (ModelDataUrl)", async () => {
    const env = creatingTarget();

    await env.target.apply(spec(registryVariant({ artifactFileName: "model.tar.gz" })));

    expect(env.s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Key).toBe(`prod/${SHA}/model.tar.gz`);
    expect(containerOf(env)).toMatchObject({ ModelDataUrl: `s3://modelport-models/prod/${SHA}/model.tar.gz` });
    expect(containerOf(env)?.ModelDataSource).toBeUndefined();
  });

  it("packs a single file into model.tar.gz for a format configured so, byte for byte the same every time", async () => {
    const packed: Buffer[] = [];
    for (let run = 0; run < 2; run++) {
      const env = creatingTarget({ packaging: { ONNX: "tar.gz" } });
      const bodies = await uploadedBodies(env);

      await env.target.apply(spec(registryVariant({ artifactFileName: "model.onnx" })));

      const put = env.s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
      const body = bodies[0] ?? Buffer.alloc(0);
      const bodySha256 = createHash("sha256").update(body).digest();
      expect(put).toMatchObject({
        Key: `prod/${SHA}/model.tar.gz`,
        ContentLength: body.byteLength,
        ChecksumSHA256: bodySha256.toString("base64"),
        Metadata: { sha256: bodySha256.toString("hex"), "source-sha256": SHA, "tar-entry": "model.onnx" },
      });
      expect(containerOf(env)).toMatchObject({ ModelDataUrl: `s3://modelport-models/prod/${SHA}/model.tar.gz` });
      packed.push(body);
    }
    expect(packed[0]?.equals(packed[1] ?? Buffer.alloc(0))).toBe(true);
    const tar = gunzipSync(packed[0] ?? Buffer.alloc(0));
    expect(tar.subarray(0, 10).toString()).toBe("model.onnx");
    expect(tar.subarray(124, 135).toString()).toBe(BYTES.byteLength.toString(8).padStart(11, "0"));
    expect(tar.subarray(512, 512 + BYTES.byteLength).equals(BYTES)).toBe(true);
    expect(tar.byteLength).toBe(512 * 4);
  });

  it("finds a packed object by the artifact's sha256 and entry name without packing or uploading again", async () => {
    const env = creatingTarget({ packaging: { ONNX: "tar.gz" } });
    env.s3
      .on(HeadObjectCommand)
      .resolves({ Metadata: { sha256: "cd".repeat(32), "source-sha256": SHA, "tar-entry": "model.onnx" } });

    await env.target.apply(spec(registryVariant({ artifactFileName: "model.onnx" })));

    expect(env.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(env.artifacts.opened).toEqual([]);
  });

  it("refuses a file name that is not a plain file name, before calling AWS", async () => {
    const env = creatingTarget();
    await expect(
      env.target.apply(spec(registryVariant({ artifactFileName: "model weights.onnx" }))),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", retryable: false });
    expect(env.s3.calls()).toHaveLength(0);
    expect(env.sagemaker.calls()).toHaveLength(0);
  });
});

describe("apply: S3 failures", () => {
  it("does not retry AccessDenied, names the object and the permissions, and creates no model", async () => {
    const env = creatingTarget();
    env.s3.on(PutObjectCommand).rejects(s3Error("AccessDenied", "Access Denied", 403));

    const error = await failureOf(env.target.apply(spec(registryVariant())));

    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `S3 PutObject of ${URI} failed: AccessDenied (HTTP 403): Access Denied. The worker's AWS credentials need s3:GetObject, s3:PutObject and ` +
        "s3:ListBucket on it (without s3:ListBucket S3 answers 403 for a missing object).",
    );
    expect(env.s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    expect(env.sagemaker.commandCalls(CreateModelCommand)).toHaveLength(0);
  });

  it("explains a 403 on HeadObject, which carries no error body", async () => {
    const env = creatingTarget();
    env.s3.on(HeadObjectCommand).rejects(s3Error("Unknown", "UnknownError", 403));

    const error = await failureOf(env.target.apply(spec(registryVariant())));

    expect(error.message).toContain(`S3 HeadObject of ${URI} failed: Unknown (HTTP 403)`);
    expect(error.message).toContain("s3:ListBucket");
    expect(env.s3.commandCalls(HeadObjectCommand)).toHaveLength(1);
  });

  it("does not retry NoSuchBucket and points at the configured prefix", async () => {
    const env = creatingTarget();
    env.s3.on(PutObjectCommand).rejects(s3Error("NoSuchBucket", "The specified bucket does not exist", 404));

    const error = await failureOf(env.target.apply(spec(registryVariant())));

    expect(error.retryable).toBe(false);
    expect(error.message).toContain(
      "NoSuchBucket (HTTP 404): The specified bucket does not exist. The bucket does not exist: check MODELPORT_SAGEMAKER_S3_PREFIX.",
    );
    expect(env.s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it("retries throttling with a fresh stream of the bytes each time", async () => {
    const env = creatingTarget();
    env.s3
      .on(PutObjectCommand)
      .rejectsOnce(s3Error("SlowDown", "Please reduce your request rate.", 503))
      .resolves({});

    await env.target.apply(spec(registryVariant()));

    expect(env.s3.commandCalls(PutObjectCommand)).toHaveLength(2);
    expect(env.artifacts.opened).toEqual([SHA, SHA]);
    expect(env.sagemaker.commandCalls(CreateModelCommand)).toHaveLength(1);
  });

  it("gives up on a network failure after the configured attempts and marks it retryable for the job", async () => {
    const env = creatingTarget();
    env.s3
      .on(PutObjectCommand)
      .rejects(Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED" }));

    const error = await failureOf(env.target.apply(spec(registryVariant())));

    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      `S3 PutObject of ${URI} failed after 4 attempts: Error: connect ECONNREFUSED 10.0.0.1:443.`,
    );
    expect(env.s3.commandCalls(PutObjectCommand)).toHaveLength(4);
  });

  it("fails without retrying, naming the artifact, when its bytes are missing from the store", async () => {
    const env = creatingTarget({}, {});

    const error = await failureOf(env.target.apply(spec(registryVariant())));

    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `Artifact ${SHA} is missing from the artifact store, so it cannot be uploaded to ${URI}`,
    );
    expect(env.s3.calls()).toHaveLength(0);
    expect(env.sagemaker.commandCalls(CreateModelCommand)).toHaveLength(0);
  });

  it("a throttled CreateModel after a finished upload does not upload again", async () => {
    const env = creatingTarget();
    env.sagemaker.on(CreateModelCommand).rejectsOnce(throttled()).resolves({ ModelArn: "arn" });

    await env.target.apply(spec(registryVariant()));

    expect(env.s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    expect(env.sagemaker.commandCalls(CreateModelCommand)[1]?.args[0].input.ExecutionRoleArn).toBe(ROLE);
  });
});

describe("configuration and the file artifact source", () => {
  it("reads the KMS key and an S3 endpoint override from the environment", () => {
    const config = sageMakerConfigFromEnv({
      AWS_REGION: "eu-west-1",
      MODELPORT_SAGEMAKER_EXECUTION_ROLE_ARN: ROLE,
      MODELPORT_SAGEMAKER_IMAGE_ONNX: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/onnx:1",
      MODELPORT_SAGEMAKER_S3_PREFIX: "s3://models/modelport",
      MODELPORT_SAGEMAKER_INSTANCE_TYPE: "ml.c5.large",
      MODELPORT_SAGEMAKER_S3_KMS_KEY_ID: "alias/modelport",
      MODELPORT_SAGEMAKER_S3_ENDPOINT_URL: "http://127.0.0.1:9000",
    });
    expect(config).toMatchObject({
      s3KmsKeyId: "alias/modelport",
      s3EndpointUrl: "http://127.0.0.1:9000",
      s3MultipartThresholdBytes: 100 * 1024 * 1024,
    });
  });

  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "modelport-artifacts-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reports a file's size, streams its bytes, and answers undefined for a missing one", async () => {
    await writeFile(path.join(dir, SHA), BYTES);
    const source = fileArtifactSource((sha256) => path.join(dir, sha256));

    await expect(source.size(SHA)).resolves.toBe(BYTES.byteLength);
    await expect(text(await source.open(SHA))).resolves.toBe(BYTES.toString());
    await expect(source.size("cd".repeat(32))).resolves.toBeUndefined();
    await expect(source.open("cd".repeat(32))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
