import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateTransformJobCommand,
  SageMakerClient,
  type CreateTransformJobCommandInput,
} from "@aws-sdk/client-sagemaker";
import { createHash, randomInt } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileArtifactSource } from "@/server/integrations/sagemaker/file-artifact-source";
import {
  createTransformJobDeps,
  describeTransformJob,
  startTransformJob,
  stopTransformJob,
  waitForTransformJob,
  type TransformJobDeps,
} from "@/server/integrations/sagemaker/transform-job";
import { transformModelInput, type TransformSpec } from "@/server/integrations/sagemaker/transform-spec";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import { onnxVariant } from "@/tests/integration/sagemaker/onnx-variant";
import { FakeSageMaker } from "@/tests/integration/sagemaker/fake-sagemaker-server";
import { onnxModel } from "@/tests/integration/support/model-artifacts";
import { testConfig } from "@/tests/unit/sagemaker/helpers";

// Batch inference on the SageMaker target end to end: the real SDK clients against the SageMaker and S3 stand-ins,
// which score the rows with the version's real ONNX model (fake-transform-container.ts).
const fake = new FakeSageMaker([], { transitionMs: 20, msPerSecond: 0.2 });
const fakeS3 = new FakeS3();
const BUCKET = "modelport-batch";
const ROWS = 3000;
const MODEL_BYTES = onnxModel(11);
const SHA256 = createHash("sha256").update(MODEL_BYTES).digest("hex");
let deps: TransformJobDeps;
let s3: S3Client;
let sagemaker: SageMakerClient;
let artifactDir: string;

const version: VariantSpec = onnxVariant(SHA256);

/** A header, then ROWS rows keyed K00000…, one with a quoted key holding a comma. */
const rows = Array.from({ length: ROWS }, (_, i) => {
  const key = i === 17 ? '"K,00017"' : `K${String(i).padStart(5, "0")}`;
  return `${key},${(randomInt(0, 1000) / 100).toFixed(2)},${randomInt(0, 24)}`;
});
const CSV = `id,amount,hour\n${rows.join("\n")}\n`;

const spec = (batchJobId: string, overrides: Partial<TransformSpec> = {}): TransformSpec => ({
  batchJobId,
  variant: version,
  inputS3Uri: `s3://${BUCKET}/inputs/scoring.csv`,
  outputS3Uri: `s3://${BUCKET}/batch/${batchJobId}/`,
  contentType: "text/csv",
  instanceType: "ml.m5.xlarge",
  instanceCount: 1,
  inputFilter: "$[1:]",
  ...overrides,
});

async function readObject(uri: string): Promise<string> {
  const [, Bucket = "", Key = ""] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) ?? [];
  const answer = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return (await answer.Body?.transformToString("utf8")) ?? "";
}

/** The model's own answers for the rows, from onnxruntime directly, one batch. */
async function expectedPredictions(): Promise<number[]> {
  const session = await ort.InferenceSession.create(MODEL_BYTES);
  const column = (index: number) =>
    new ort.Tensor("float32", Float32Array.from(rows.map((row) => Number(row.split(",").at(index)))), [ROWS, 1]);
  const result = await session.run({ amount: column(-2), hour: column(-1) });
  await session.release();
  return Array.from(result.probability?.data as Float32Array);
}

const WAIT = { pollMs: 2 };
/** How long the stand-in's transform jobs run: long enough to see them InProgress. */
const RUN_MS = 1000;

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = "AKIAMODELPORTTEST";
  process.env.AWS_SECRET_ACCESS_KEY = "modelport-test-secret";
  artifactDir = await mkdtemp(path.join(tmpdir(), "modelport-transform-artifacts-"));
  await writeFile(path.join(artifactDir, SHA256), MODEL_BYTES);
  const endpointUrl = await fake.start();
  const s3EndpointUrl = await fakeS3.start();
  fake.useS3(fakeS3);
  fake.transformJobs.setRunTime(RUN_MS);
  const config = testConfig({ endpointUrl, s3EndpointUrl, pollMs: 2 });
  deps = createTransformJobDeps(config, { artifacts: fileArtifactSource((sha) => path.join(artifactDir, sha)) });
  s3 = deps.s3;
  sagemaker = new SageMakerClient({ region: "eu-west-1", endpoint: endpointUrl, maxAttempts: 1 });
  await s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: "inputs/scoring.csv", Body: CSV, ContentType: "text/csv" }),
  );
});

afterAll(async () => {
  await fake.stop();
  await fakeS3.stop();
  await rm(artifactDir, { recursive: true, force: true });
});

describe("SageMaker batch transform against the stand-ins", () => {
  it("transforms a few thousand rows: every input line, in order, joined with the model's prediction", async () => {
    const started = await startTransformJob(deps, spec("batch-full"));
    expect(started).toMatchObject({
      jobName: "modelport-batch-batch-full",
      outputUri: `s3://${BUCKET}/batch/batch-full/scoring.csv.out`,
      outputColumns: ["id", "amount", "hour", "probability"],
    });
    // The version's artifact went up as for an endpoint, and its Model is the one an endpoint path would create.
    expect(fakeS3.objects.has(`/modelport-models/prod/${SHA256}/model.onnx`)).toBe(true);
    expect(fake.resourceNames().models).toEqual([transformModelInput(spec("x"), deps.config).ModelName]);

    const states: string[] = [];
    const done = await waitForTransformJob(deps, started.jobName, { ...WAIT, onState: (s) => states.push(s.status) });
    expect(done).toMatchObject({ status: "Completed", outputUri: started.outputUri });
    expect(states).toEqual(["InProgress", "Completed"]);

    const lines = (await readObject(started.outputUri)).split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(ROWS);
    const predictions = await expectedPredictions();
    lines.forEach((line, i) => {
      expect(line.startsWith(`${rows[i]},`)).toBe(true);
      expect(Number(line.slice(rows[i]!.length + 1))).toBeCloseTo(predictions[i]!, 6);
    });
  });

  it("keeps the key and the prediction with OutputFilter $[0,-1], reusing the version's Model", async () => {
    const started = await startTransformJob(deps, spec("batch-keyed", { outputFilter: "$[0,-1]" }));
    expect(started.outputColumns).toEqual(["id", "probability"]);
    await expect(waitForTransformJob(deps, started.jobName, WAIT)).resolves.toMatchObject({ status: "Completed" });
    const lines = (await readObject(started.outputUri)).trimEnd().split("\n");
    const predictions = await expectedPredictions();
    const keys = rows.map((row) => row.split(",").slice(0, -2).join(","));
    expect(lines.map((line) => line.slice(0, line.lastIndexOf(",")))).toEqual(keys);
    expect(lines[17]).toMatch(/^"K,00017",\d\.\d+(e-\d+)?$/);
    lines.forEach((line, i) => expect(Number(line.split(",").at(-1))).toBeCloseTo(predictions[i]!, 6));
    expect(fake.resourceNames().models).toHaveLength(1);
  });

  it("a retried start finds the job already running and creates nothing more", async () => {
    const before = fake.operations().length;
    const again = await startTransformJob(deps, spec("batch-keyed", { outputFilter: "$[0,-1]" }));
    expect(again.jobName).toBe("modelport-batch-batch-keyed");
    expect(fake.operations().slice(before)).toEqual(["DescribeTransformJob"]);
  });

  it("a job stopped midway ends Stopped and writes no output; stopping it again is not an error", async () => {
    fake.transformJobs.setRunTime(60_000);
    try {
      const started = await startTransformJob(deps, spec("batch-stopped"));
      await expect(describeTransformJob(deps, started.jobName)).resolves.toMatchObject({ status: "InProgress" });
      await stopTransformJob(deps, started.jobName);
      const states: string[] = [];
      await expect(
        waitForTransformJob(deps, started.jobName, { ...WAIT, onState: (s) => states.push(s.status) }),
      ).resolves.toMatchObject({ status: "Stopped" });
      expect(states).toEqual(["Stopping", "Stopped"]);
      await stopTransformJob(deps, started.jobName);
      expect(fakeS3.objects.has(`/${BUCKET}/batch/batch-stopped/scoring.csv.out`)).toBe(false);
    } finally {
      fake.transformJobs.setRunTime(RUN_MS);
    }
  });

  it("fails, saying so, a job whose model the stand-in cannot run, rather than making predictions up", async () => {
    const packed = { ...version, artifactUri: "s3://modelport-models/elsewhere/model.tar.gz" };
    const started = await startTransformJob(deps, spec("batch-packed", { variant: packed }));
    await expect(waitForTransformJob(deps, started.jobName, WAIT)).resolves.toMatchObject({
      status: "Failed",
      failureReason: expect.stringMatching(/^ClientError: the stand-in's container serves only an uncompressed ONNX/),
    });
    expect(fakeS3.objects.has(`/${BUCKET}/batch/batch-packed/scoring.csv.out`)).toBe(false);
  });

  it("fails the job with the container's reason when it is sent the header row (why the input is staged)", async () => {
    const model = transformModelInput(spec("x"), deps.config).ModelName;
    await sagemaker.send(new CreateTransformJobCommand(request("raw-header", { ModelName: model })));
    const done = await waitForTransformJob(deps, "raw-header", WAIT);
    expect(done).toMatchObject({
      status: "Failed",
      failureReason: "ClientError: record 1: 'amount' is not a number (model input amount)",
    });
  });
});

/** A CreateTransformJob request on the raw input (header included), as a caller other than Modelport might send. */
function request(
  name: string,
  overrides: Partial<CreateTransformJobCommandInput> = {},
): CreateTransformJobCommandInput {
  return {
    TransformJobName: name,
    ModelName: "missing-model",
    BatchStrategy: "MultiRecord",
    MaxPayloadInMB: 6,
    TransformInput: {
      DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: `s3://${BUCKET}/inputs/scoring.csv` } },
      ContentType: "text/csv",
      SplitType: "Line",
    },
    TransformOutput: { S3OutputPath: `s3://${BUCKET}/raw/${name}`, Accept: "text/csv", AssembleWith: "Line" },
    TransformResources: { InstanceType: "ml.m5.large", InstanceCount: 1 },
    DataProcessing: { InputFilter: "$[1:]", JoinSource: "Input", OutputFilter: "$" },
    ...overrides,
  };
}

describe("the stand-in refuses what SageMaker refuses, creating nothing", () => {
  const refusal = async (input: CreateTransformJobCommandInput) => {
    const before = fake.transformJobs.names().length;
    const answer = await sagemaker.send(new CreateTransformJobCommand(input)).then(
      () => "accepted",
      (error: Error) => `${error.name}: ${error.message}`,
    );
    expect(fake.transformJobs.names()).toHaveLength(before + (answer === "accepted" ? 1 : 0));
    return answer;
  };
  const model = () => transformModelInput(spec("x"), deps.config).ModelName;

  it.each([
    [
      "an invalid name",
      { TransformJobName: "batch_job!" },
      "ValidationException: 1 validation error detected: Value 'batch_job!' at 'transformJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
    ],
    [
      "MaxPayloadInMB above 100",
      { MaxPayloadInMB: 101 },
      "ValidationException: 1 validation error detected: Value '101' at 'maxPayloadInMB' failed to satisfy constraint: Member must have value less than or equal to 100",
    ],
    [
      "a JoinSource other than Input or None",
      { DataProcessing: { JoinSource: "Output" as "Input" } },
      "ValidationException: 1 validation error detected: Value 'Output' at 'dataProcessing.joinSource' failed to satisfy constraint: Member must satisfy enum value set: [Input, None]",
    ],
    [
      "no instances",
      { TransformResources: { InstanceType: "ml.m5.large" as const, InstanceCount: 0 } },
      "ValidationException: 1 validation error detected: Value '0' at 'transformResources.instanceCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    [
      "an unknown BatchStrategy",
      { BatchStrategy: "AllRecords" as "MultiRecord" },
      "ValidationException: 1 validation error detected: Value 'AllRecords' at 'batchStrategy' failed to satisfy constraint: Member must satisfy enum value set: [MultiRecord, SingleRecord]",
    ],
  ] as [string, Partial<CreateTransformJobCommandInput>, string][])("%s", async (_case, overrides, message) => {
    await expect(refusal(request("refused", { ModelName: model(), ...overrides }))).resolves.toBe(message);
  });

  it("a JSON filter on CSV, a model that does not exist, and a name already used", async () => {
    await expect(
      refusal(request("refused", { ModelName: model(), DataProcessing: { InputFilter: "$.features" } })),
    ).resolves.toMatch(/^ValidationException: InputFilter: \$\.features is not a CSV column filter/);
    await expect(refusal(request("refused"))).resolves.toBe(
      'ValidationException: Could not find model "arn:aws:sagemaker:eu-west-1:123456789012:model/missing-model".',
    );
    await expect(refusal(request("modelport-batch-batch-full", { ModelName: model() }))).resolves.toMatch(
      /^ResourceInUse: Job name must be unique within an AWS account and region, and a job with this name already exists \(arn:aws:sagemaker:eu-west-1:123456789012:transform-job\/modelport-batch-batch-full\)$/,
    );
  });

  it("Modelport refuses an invalid spec itself, before any SageMaker or S3 call", async () => {
    const before = { sagemaker: fake.operations().length, s3: fakeS3.operations().length };
    await expect(startTransformJob(deps, spec("bad", { maxPayloadInMB: 200 }))).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(startTransformJob(deps, spec("bad", { outputFilter: "$['id']" }))).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(fake.operations()).toHaveLength(before.sagemaker);
    expect(fakeS3.operations()).toHaveLength(before.s3);
  });
});
