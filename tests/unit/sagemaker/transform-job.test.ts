import { GetObjectCommand, PutObjectCommand, S3Client, type GetObjectCommandOutput } from "@aws-sdk/client-s3";
import {
  CreateModelCommand,
  CreateTransformJobCommand,
  DescribeTransformJobCommand,
  SageMakerClient,
  StopTransformJobCommand,
  type DescribeTransformJobCommandOutput,
  type TransformJobStatus,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseSageMakerConfig } from "@/server/integrations/sagemaker/config";
import { SAGEMAKER_NAME_PATTERN } from "@/server/integrations/sagemaker/names";
import {
  createTransformJobDeps,
  describeTransformJob,
  startTransformJob,
  stopTransformJob,
  waitForTransformJob,
  type TransformJobState,
} from "@/server/integrations/sagemaker/transform-job";
import {
  batchModelOwner,
  transformJobName,
  transformModelInput,
  type TransformSpec,
} from "@/server/integrations/sagemaker/transform-spec";
import {
  awsError,
  memoryArtifacts,
  sentCommands,
  testConfig,
  throttled,
  variant,
} from "@/tests/unit/sagemaker/helpers";

const CSV = "id,amount,hour\nA1,12.5,3\nA2,7,22\n";
const HEADER_BYTES = Buffer.byteLength("id,amount,hour\n");
const JOB = "modelport-batch-cm9batch0001";
const JOB_ARN = `arn:aws:sagemaker:eu-west-1:123456789012:transform-job/${JOB}`;

const spec = (overrides: Partial<TransformSpec> = {}): TransformSpec => ({
  batchJobId: "cm9batch0001",
  variant: variant(7, 100, { variantName: "primary" }),
  inputS3Uri: "s3://modelport-batch/in/scores.csv",
  outputS3Uri: "s3://modelport-batch/out/cm9batch0001/",
  contentType: "text/csv",
  instanceType: "ml.m5.xlarge",
  instanceCount: 2,
  inputFilter: "$[1:]",
  outputFilter: "$[0,-1]",
  ...overrides,
});
const MODEL = transformModelInput(spec(), parseSageMakerConfig(testConfig())).ModelName;

/** A GetObject body as the SDK gives it: a stream that can also be read whole. */
function objectBody(text: string): GetObjectCommandOutput["Body"] {
  const bytes = Buffer.from(text);
  return Object.assign(Readable.from([bytes]), {
    transformToString: async () => bytes.toString("utf8"),
  }) as unknown as GetObjectCommandOutput["Body"];
}

/** Mocked SageMaker and S3 (the input object `csv` under any key), and the deps built from them. */
function mocked(csv = CSV) {
  const sagemakerClient = new SageMakerClient({ region: "eu-west-1" });
  const s3Client = new S3Client({ region: "eu-west-1" });
  const sagemaker = mockClient(sagemakerClient);
  const s3 = mockClient(s3Client);
  const uploaded: { key: string; body: string }[] = [];
  s3.on(GetObjectCommand).callsFake((input: { Range?: string }) => {
    const [, start = "0", end] = /^bytes=(\d+)-(\d*)$/.exec(input.Range ?? "") ?? [];
    const bytes = Buffer.from(csv);
    const last = end ? Math.min(Number(end), bytes.length - 1) : bytes.length - 1;
    const slice = bytes.subarray(Number(start), last + 1).toString("utf8");
    return { Body: objectBody(slice), ContentRange: `bytes ${start}-${last}/${bytes.length}` };
  });
  s3.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: Readable | Uint8Array | string }) => {
    const body = input.Body;
    const chunks: Buffer[] = [];
    if (body instanceof Readable) for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    else chunks.push(Buffer.from(body));
    uploaded.push({ key: input.Key, body: Buffer.concat(chunks).toString("utf8") });
    return {};
  });
  const deps = createTransformJobDeps(testConfig({ pollMs: 1 }), {
    sagemaker: sagemakerClient,
    s3: s3Client,
    artifacts: memoryArtifacts().source,
  });
  return { sagemaker, s3, uploaded, deps };
}

const jobNotFound = () => awsError("ResourceNotFound", `Could not find requested job with name ${JOB}`);
const job = (
  status: TransformJobStatus,
  overrides: Partial<DescribeTransformJobCommandOutput> = {},
): DescribeTransformJobCommandOutput => ({
  $metadata: {},
  TransformJobName: JOB,
  TransformJobArn: JOB_ARN,
  TransformJobStatus: status,
  ModelName: MODEL,
  CreationTime: new Date(0),
  TransformInput: {
    DataSource: {
      S3DataSource: { S3DataType: "S3Prefix", S3Uri: "s3://modelport-batch/out/cm9batch0001/input/scores.csv" },
    },
  },
  TransformOutput: { S3OutputPath: "s3://modelport-batch/out/cm9batch0001" },
  TransformResources: { InstanceType: "ml.m5.xlarge", InstanceCount: 2 },
  ...overrides,
});

describe("startTransformJob", () => {
  it("creates the version's Model as for an endpoint, stages the input without its header, then the transform job", async () => {
    const env = mocked();
    env.sagemaker.on(DescribeTransformJobCommand).rejectsOnce(jobNotFound()).resolves(job("InProgress"));
    env.sagemaker.on(CreateModelCommand).resolves({});
    env.sagemaker.on(CreateTransformJobCommand).resolves({ TransformJobArn: JOB_ARN });

    await expect(startTransformJob(env.deps, spec())).resolves.toEqual({
      jobName: JOB,
      arn: JOB_ARN,
      outputUri: "s3://modelport-batch/out/cm9batch0001/scores.csv.out",
      outputColumns: ["id", "score"],
    });

    expect(sentCommands(env.sagemaker)).toEqual([
      "DescribeTransformJob",
      "CreateModel",
      "CreateTransformJob",
      "DescribeTransformJob",
    ]);
    expect(env.uploaded).toEqual([{ key: "out/cm9batch0001/input/scores.csv", body: CSV.slice(HEADER_BYTES) }]);
    const model = env.sagemaker.commandCalls(CreateModelCommand)[0]?.args[0].input;
    expect(model).toMatchObject({
      ModelName: MODEL,
      ExecutionRoleArn: "arn:aws:iam::123456789012:role/modelport-sagemaker",
      Tags: [
        { Key: "modelport:endpoint", Value: "batch-fraud-xgb" },
        { Key: "modelport:variant", Value: "primary" },
        { Key: "modelport:artifact-sha256", Value: "7".repeat(64) },
      ],
    });
    expect(MODEL).toMatch(/^batch-fraud-xgb-primary-[0-9a-f]{12}$/);
    expect(env.sagemaker.commandCalls(CreateTransformJobCommand)[0]?.args[0].input).toEqual({
      TransformJobName: JOB,
      ModelName: MODEL,
      MaxPayloadInMB: 6,
      BatchStrategy: "MultiRecord",
      TransformInput: {
        DataSource: {
          S3DataSource: { S3DataType: "S3Prefix", S3Uri: "s3://modelport-batch/out/cm9batch0001/input/scores.csv" },
        },
        ContentType: "text/csv",
        CompressionType: "None",
        SplitType: "Line",
      },
      TransformOutput: {
        S3OutputPath: "s3://modelport-batch/out/cm9batch0001",
        Accept: "text/csv",
        AssembleWith: "Line",
      },
      TransformResources: { InstanceType: "ml.m5.xlarge", InstanceCount: 2 },
      DataProcessing: { InputFilter: "$[1:]", JoinSource: "Input", OutputFilter: "$[0,-1]" },
      Tags: [
        { Key: "modelport:batch-job", Value: "cm9batch0001" },
        { Key: "modelport:variant", Value: "primary" },
        { Key: "modelport:artifact-sha256", Value: "7".repeat(64) },
      ],
    });
  });

  it("defaults the filters to $ (the whole line) and passes MaxPayloadInMB and the KMS key through", async () => {
    const env = mocked();
    const deps = { ...env.deps, config: parseSageMakerConfig(testConfig({ s3KmsKeyId: "alias/modelport" })) };
    env.sagemaker.on(DescribeTransformJobCommand).rejectsOnce(jobNotFound()).resolves(job("InProgress"));
    env.sagemaker.on(CreateModelCommand).resolves({});
    env.sagemaker.on(CreateTransformJobCommand).resolves({ TransformJobArn: JOB_ARN });
    const started = await startTransformJob(
      deps,
      spec({ inputFilter: undefined, outputFilter: undefined, maxPayloadInMB: 1 }),
    );
    expect(started.outputColumns).toEqual(["id", "amount", "hour", "score"]);
    expect(env.sagemaker.commandCalls(CreateTransformJobCommand)[0]?.args[0].input).toMatchObject({
      MaxPayloadInMB: 1,
      DataProcessing: { InputFilter: "$", JoinSource: "Input", OutputFilter: "$" },
      TransformOutput: { KmsKeyId: "alias/modelport" },
    });
    expect(env.s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: "alias/modelport",
    });
  });

  it("a retried worker whose job exists describes it and creates nothing", async () => {
    const env = mocked();
    env.sagemaker.on(DescribeTransformJobCommand).resolves(job("InProgress"));
    await expect(startTransformJob(env.deps, spec())).resolves.toMatchObject({ jobName: JOB, arn: JOB_ARN });
    expect(sentCommands(env.sagemaker)).toEqual(["DescribeTransformJob"]);
    expect(env.uploaded).toEqual([]);
  });

  it("meets ResourceInUse (another attempt created the job meanwhile) and returns that job", async () => {
    const env = mocked();
    env.sagemaker.on(DescribeTransformJobCommand).rejectsOnce(jobNotFound()).resolves(job("InProgress"));
    env.sagemaker.on(CreateModelCommand).resolves({});
    env.sagemaker
      .on(CreateTransformJobCommand)
      .rejects(
        awsError(
          "ResourceInUse",
          `Job name must be unique within an AWS account and region, and a job with this name already exists (${JOB_ARN})`,
        ),
      );
    await expect(startTransformJob(env.deps, spec())).resolves.toMatchObject({ jobName: JOB, arn: JOB_ARN });
    expect(env.sagemaker.commandCalls(CreateTransformJobCommand)).toHaveLength(1);
  });

  it("sends CreateTransformJob once when its answer was lost and the job exists, retrying throttled describes", async () => {
    const env = mocked();
    env.sagemaker
      .on(DescribeTransformJobCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(jobNotFound())
      .resolves(job("InProgress"));
    env.sagemaker.on(CreateModelCommand).resolves({});
    env.sagemaker.on(CreateTransformJobCommand).rejects(awsError("InternalFailure", "lost", 500));
    await expect(startTransformJob(env.deps, spec())).resolves.toMatchObject({ arn: JOB_ARN });
    expect(env.sagemaker.commandCalls(CreateTransformJobCommand)).toHaveLength(1);
  });

  it("refuses a job of that name running another model", async () => {
    const env = mocked();
    env.sagemaker.on(DescribeTransformJobCommand).resolves(job("Completed", { ModelName: "someone-elses" }));
    await expect(startTransformJob(env.deps, spec())).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("runs model someone-elses"),
    });
  });

  it.each([
    ["an instance type batch transform lacks", { instanceType: "ml.t2.nano" }, /not a SageMaker batch transform/],
    ["MaxPayloadInMB above 100", { maxPayloadInMB: 101 }, /maxPayloadInMB/],
    ["no instances", { instanceCount: 0 }, /instanceCount/],
    ["a JSON filter on CSV", { inputFilter: "$.features" }, /not a CSV column filter/],
    ["a filter longer than 63 characters", { outputFilter: `$[${"0,".repeat(40)}1]` }, /63 characters/],
    ["an input that is a prefix", { inputS3Uri: "s3://modelport-batch/in/" }, /S3 object/],
  ] as [string, Partial<TransformSpec>, RegExp][])("refuses %s before any call", async (_case, overrides, message) => {
    const env = mocked();
    await expect(startTransformJob(env.deps, spec(overrides))).rejects.toMatchObject({
      code: "BAD_REQUEST",
      retryable: false,
      message,
    });
    expect(sentCommands(env.sagemaker)).toEqual([]);
    expect(env.s3.calls()).toHaveLength(0);
  });

  it("refuses filters that do not fit the input's header, and an input without rows, before SageMaker is asked", async () => {
    const env = mocked();
    await expect(startTransformJob(env.deps, spec({ inputFilter: "$[3]" }))).rejects.toThrow(
      /does not fit the input's 3 columns \(id, amount, hour\)/,
    );
    await expect(startTransformJob(env.deps, spec({ outputFilter: "$[0,4]" }))).rejects.toThrow(/output filter/);
    await expect(startTransformJob(mocked("id,amount,hour\n").deps, spec())).rejects.toThrow(/no rows/);
    expect(sentCommands(env.sagemaker)).toEqual([]);
  });
});

describe("transform job names", () => {
  it("are the batch job's id when it fits, else a cleaned prefix and a hash; always valid, never shared", () => {
    expect(transformJobName("cm9batch0001")).toBe(JOB);
    const names = ["a_b", "a.b", "x".repeat(80), "----", "Ünïcode id"].map(transformJobName);
    for (const name of names) expect(name).toMatch(SAGEMAKER_NAME_PATTERN);
    expect(new Set(names).size).toBe(names.length);
    expect(transformJobName("x".repeat(80))).toHaveLength(63);
    expect(batchModelOwner("fraud_xgb")).toMatch(/^batch-fraud-xgb-[0-9a-f]{12}$/);
  });
});

describe("describeTransformJob and stopTransformJob", () => {
  it("describes status, failure, timing and the output object", async () => {
    const env = mocked();
    env.sagemaker.on(DescribeTransformJobCommand).resolves(
      job("Failed", {
        FailureReason: "ClientError: See job logs for more information",
        TransformStartTime: new Date(1000),
        TransformEndTime: new Date(5000),
      }),
    );
    await expect(describeTransformJob(env.deps, JOB)).resolves.toEqual({
      jobName: JOB,
      arn: JOB_ARN,
      status: "Failed",
      failureReason: "ClientError: See job logs for more information",
      modelName: MODEL,
      createdAt: new Date(0),
      startedAt: new Date(1000),
      endedAt: new Date(5000),
      outputUri: "s3://modelport-batch/out/cm9batch0001/scores.csv.out",
    });
    env.sagemaker.on(DescribeTransformJobCommand).rejects(jobNotFound());
    await expect(describeTransformJob(env.deps, JOB)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it.each(["Completed", "Failed", "Stopped", "Stopping"] as TransformJobStatus[])(
    "leaves a %s job alone",
    async (status) => {
      const env = mocked();
      env.sagemaker.on(DescribeTransformJobCommand).resolves(job(status));
      await stopTransformJob(env.deps, JOB);
      expect(env.sagemaker.commandCalls(StopTransformJobCommand)).toHaveLength(0);
    },
  );

  it("stops an InProgress job, and is content when it finished while the stop was on its way", async () => {
    const env = mocked();
    env.sagemaker.on(DescribeTransformJobCommand).resolves(job("InProgress"));
    env.sagemaker.on(StopTransformJobCommand).resolves({});
    await stopTransformJob(env.deps, JOB);
    expect(env.sagemaker.commandCalls(StopTransformJobCommand)[0]?.args[0].input).toEqual({ TransformJobName: JOB });

    const raced = mocked();
    raced.sagemaker.on(DescribeTransformJobCommand).resolvesOnce(job("InProgress")).resolves(job("Completed"));
    raced.sagemaker.on(StopTransformJobCommand).rejects(awsError("ValidationException", "Job has already ended"));
    await expect(stopTransformJob(raced.deps, JOB)).resolves.toBeUndefined();

    const refused = mocked();
    refused.sagemaker.on(DescribeTransformJobCommand).resolves(job("InProgress"));
    refused.sagemaker.on(StopTransformJobCommand).rejects(awsError("AccessDeniedException", "no", 403));
    await expect(stopTransformJob(refused.deps, JOB)).rejects.toThrow(/StopTransformJob failed: AccessDeniedException/);
  });
});

describe("waitForTransformJob", () => {
  it.each([
    ["Completed", ["InProgress", "InProgress", "Completed"]],
    ["Failed", ["InProgress", "Failed"]],
    ["Stopped", ["InProgress", "Stopping", "Stopping", "Stopped"]],
  ] as [TransformJobStatus, TransformJobStatus[]][])("polls until %s, reporting each change", async (end, sequence) => {
    const env = mocked();
    const describes = env.sagemaker.on(DescribeTransformJobCommand);
    for (const status of sequence.slice(0, -1)) describes.resolvesOnce(job(status));
    describes.resolves(job(end, end === "Failed" ? { FailureReason: "AlgorithmError: out of memory" } : {}));
    const seen: TransformJobState[] = [];
    const state = await waitForTransformJob(env.deps, JOB, { pollMs: 1, onState: (s) => seen.push(s) });
    expect(state).toMatchObject({ status: end });
    if (end === "Failed") expect(state.failureReason).toBe("AlgorithmError: out of memory");
    expect(seen.map((s) => s.status)).toEqual([...new Set(sequence)]);
    expect(env.sagemaker.commandCalls(DescribeTransformJobCommand)).toHaveLength(sequence.length);
  });

  it("stops polling when its signal aborts, leaving the job running", async () => {
    const env = mocked();
    env.sagemaker.on(DescribeTransformJobCommand).resolves(job("InProgress"));
    const controller = new AbortController();
    const waiting = waitForTransformJob(env.deps, JOB, {
      pollMs: 5,
      signal: controller.signal,
      onState: () => setTimeout(() => controller.abort(new Error("batch job cancelled")), 1),
    });
    await expect(waiting).rejects.toThrow("batch job cancelled");
    const polled = env.sagemaker.commandCalls(DescribeTransformJobCommand).length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(env.sagemaker.commandCalls(DescribeTransformJobCommand)).toHaveLength(polled);
    expect(env.sagemaker.commandCalls(StopTransformJobCommand)).toHaveLength(0);
  });
});
