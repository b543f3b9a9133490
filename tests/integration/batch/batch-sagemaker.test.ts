import { randomInt } from "node:crypto";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCH_ERROR_COLUMN, BATCH_ROW_COLUMN } from "@/contracts/batch-jobs";
import { CsvByteRecords } from "@/lib/csv/csv-byte-records";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { sageMakerConfigFromEnv } from "@/server/integrations/sagemaker/config";
import { createTransformJobDeps } from "@/server/integrations/sagemaker/transform-job";
import { transformJobName } from "@/server/integrations/sagemaker/transform-spec";
import { storeArtifactSource } from "@/server/jobs/handlers/deployment-runtime";
import { runBatchJob, type BatchRuntime } from "@/server/services/batch/run-batch-job";
import { outputOf, uploadDataset } from "@/tests/integration/batch/batch-world";
import { callApi } from "@/tests/integration/fixtures";
import { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import { givenTabularModel } from "@/tests/integration/sagemaker/tabular-model";
import { FakeSageMaker } from "@/tests/integration/sagemaker/fake-sagemaker-server";
import { onnxModel } from "@/tests/integration/support/model-artifacts";
import { until } from "@/tests/integration/support/until";
import { ONNX_IMAGE, ROLE } from "@/tests/unit/sagemaker/helpers";

// Batch jobs with target SAGEMAKER, run by the worker routine against the SageMaker and S3 stand-ins, which score the
// rows with the version's real ONNX model: the output joins back exactly as on the local runtime; a cancel stops the
// transform; a Failed transform fails the job with SageMaker's reason; a worker that took over from one that died
// waits for the transform already running rather than starting another.
const fake = new FakeSageMaker([], { transitionMs: 20, msPerSecond: 0.2 });
const fakeS3 = new FakeS3();
const BUCKET = "modelport-batch";
const ROWS = 3000;
const BAD_ROWS = new Set([40, 2500]);
const MODEL_BYTES = onnxModel(7);
const SAGEMAKER_ENV = {
  MODELPORT_SAGEMAKER_REGION: "eu-west-1",
  MODELPORT_SAGEMAKER_EXECUTION_ROLE_ARN: ROLE,
  MODELPORT_SAGEMAKER_IMAGE_ONNX: ONNX_IMAGE,
  MODELPORT_SAGEMAKER_S3_PREFIX: `s3://${BUCKET}/prod`,
  MODELPORT_SAGEMAKER_INSTANCE_TYPE: "ml.m5.large",
  MODELPORT_SAGEMAKER_POLL_MS: "5",
};

/** The key quoted (with a comma, sometimes a quote), the inputs out of the signature's order, a free-text column. */
const keyOf = (i: number) => (i % 97 === 0 ? `K,${i} "q"` : i % 89 === 0 ? `K,${i}` : `K${i}`);
const rows = Array.from({ length: ROWS }, (_, i) => ({
  key: keyOf(i),
  hour: BAD_ROWS.has(i) ? "late" : String(randomInt(0, 24)),
  amount: (randomInt(0, 100_000) / 100).toFixed(2),
}));
const quote = (cell: string) => (/[",]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
const CSV = `id,hour,note,amount\n${rows.map((r, i) => `${quote(r.key)},${r.hour},"note ${i}, free text",${r.amount}\n`).join("")}`;

let model: { name: string; version: number; token: string };
let dataset: { id: string };

function runtime(owner: string, environment: Record<string, string | undefined> = process.env): BatchRuntime {
  const system = systemContextFromEnv();
  return {
    db: db(),
    artifacts: system.artifacts,
    runtime: system.runtime,
    clock: () => new Date(),
    lease: { owner, ttlMs: 2_000, pollMs: 100 },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    modelFile: (sha256) => system.artifacts.localFile(sha256),
    sageMaker: () =>
      createTransformJobDeps(sageMakerConfigFromEnv(environment), {
        artifacts: storeArtifactSource(system.artifacts),
      }),
  };
}

async function createJob(target = "SAGEMAKER", options: { maxFailedRows?: number } = {}) {
  return callApi("POST", `/models/${model.name}/batch-jobs`, {
    token: model.token,
    json: { version: model.version, inputArtifactId: dataset.id, keyColumns: ["id"], target, ...options },
  });
}

async function createdJob(options: { maxFailedRows?: number } = {}): Promise<string> {
  const created = await createJob("SAGEMAKER", options);
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  expect(created.json).toMatchObject({ target: "SAGEMAKER", status: "QUEUED" });
  return created.json.id as string;
}

const jobRow = (id: string) => db().batchJob.findUniqueOrThrow({ where: { id } });
const transformStatus = (name: string) => String(fake.transformJobs.describe(name).TransformJobStatus);
const creates = () => fake.operations().filter((operation) => operation === "CreateTransformJob").length;

/** Waits until the worker has started the job's transform and it is running. */
const transformRunning = (id: string) =>
  until("the transform job to run", async () => {
    const job = await jobRow(id);
    return !!job.externalJobName && fake.transformJobs.names().includes(job.externalJobName) && job.externalJobName;
  });

/** What onnxruntime answers for the good rows, in order. */
async function expectedProbabilities(): Promise<Map<number, number>> {
  const good = rows.map((row, i) => ({ ...row, i })).filter((row) => !BAD_ROWS.has(row.i));
  const session = await ort.InferenceSession.create(MODEL_BYTES);
  const column = (values: number[]) => new ort.Tensor("float32", Float32Array.from(values), [values.length, 1]);
  const result = await session.run({
    amount: column(good.map((row) => Number(row.amount))),
    hour: column(good.map((row) => Number(row.hour))),
  });
  await session.release();
  const probabilities = result.probability?.data as Float32Array;
  return new Map(good.map((row, k) => [row.i, probabilities[k]!]));
}

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = "AKIAMODELPORTTEST";
  process.env.AWS_SECRET_ACCESS_KEY = "modelport-test-secret";
  const endpointUrl = await fake.start();
  const s3EndpointUrl = await fakeS3.start();
  fake.useS3(fakeS3);
  fake.transformJobs.setRunTime(300);
  Object.assign(process.env, SAGEMAKER_ENV, {
    MODELPORT_SAGEMAKER_ENDPOINT_URL: endpointUrl,
    MODELPORT_SAGEMAKER_S3_ENDPOINT_URL: s3EndpointUrl,
  });
  model = await givenTabularModel("batch-sm", MODEL_BYTES);
  dataset = await uploadDataset(model.token, model.name, new TextEncoder().encode(CSV), "scoring.csv");
});

afterAll(async () => {
  for (const name of [...Object.keys(SAGEMAKER_ENV), "MODELPORT_SAGEMAKER_ENDPOINT_URL"]) delete process.env[name];
  delete process.env.MODELPORT_SAGEMAKER_S3_ENDPOINT_URL;
  await fake.stop();
  await fakeS3.stop();
});

describe("creating a batch job on SageMaker", () => {
  it("is refused with a 400 when SageMaker is not configured, and nothing is created", async () => {
    const before = await db().batchJob.count();
    delete process.env.MODELPORT_SAGEMAKER_S3_PREFIX;
    try {
      const refused = await createJob();
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.json)).toMatch(/SageMaker is not configured/);
    } finally {
      process.env.MODELPORT_SAGEMAKER_S3_PREFIX = SAGEMAKER_ENV.MODELPORT_SAGEMAKER_S3_PREFIX;
    }
    expect(await db().batchJob.count()).toBe(before);
  });

  it("is refused up front when the instance type is not one batch transform offers", async () => {
    process.env.MODELPORT_SAGEMAKER_INSTANCE_TYPE = "ml.c4.large";
    try {
      const refused = await createJob();
      expect(refused.status).toBe(422);
      expect(JSON.stringify(refused.json)).toMatch(/ml\.c4\.large .* is not a SageMaker batch transform instance type/);
    } finally {
      process.env.MODELPORT_SAGEMAKER_INSTANCE_TYPE = SAGEMAKER_ENV.MODELPORT_SAGEMAKER_INSTANCE_TYPE;
    }
  });
});

describe("a batch job run as a SageMaker transform job", () => {
  it("scores a few thousand rows and joins back exactly, in the local runtime's layout", async () => {
    const id = await createdJob();
    await expect(runBatchJob(runtime("worker-a"), id)).resolves.toBe("SUCCEEDED");

    const job = await jobRow(id);
    expect(job).toMatchObject({
      status: "SUCCEEDED",
      rowsDone: ROWS,
      rowsFailed: BAD_ROWS.size,
      bytesDone: job.inputBytes,
      externalJobName: transformJobName(id),
      failureReason: null,
    });
    expect(job.errorSamples).toEqual(
      [...BAD_ROWS].map((i) => ({ row: i + 1, message: expect.stringMatching(/hour/) })),
    );
    // Only the key and the model's inputs went to S3 (in the signature's order): never the free-text column.
    const input = fakeS3.objects.get(`/${BUCKET}/prod/batch/${id}/input/scoring.csv`)?.body.toString("utf8") ?? "";
    expect(input.split("\n", 2)).toEqual([
      "id,amount,hour",
      `${quote(rows[0]!.key)},${rows[0]!.amount},${rows[0]!.hour}`,
    ]);
    expect(fake.transformJobs.describe(transformJobName(id))).toMatchObject({
      DataProcessing: { InputFilter: "$[1:2]", JoinSource: "Input", OutputFilter: "$[0,-1]" },
      TransformResources: { InstanceType: "ml.m5.large", InstanceCount: 1 },
    });

    const lines = await outputOf(id);
    expect(lines[0]).toBe(`id,${BATCH_ROW_COLUMN},probability,${BATCH_ERROR_COLUMN}`);
    const records = new CsvByteRecords().push(new TextEncoder().encode(`${lines.join("\n")}\n`)).slice(1);
    expect(records).toHaveLength(ROWS);
    const expected = await expectedProbabilities();
    records.forEach(({ fields }, i) => {
      const [key, row, probability, error] = fields;
      expect([key, row]).toEqual([rows[i]!.key, String(i + 1)]);
      if (BAD_ROWS.has(i)) expect([probability, error]).toEqual(["", expect.stringMatching(/hour/)]);
      else {
        expect(error).toBe("");
        expect(Number(probability)).toBeCloseTo(expected.get(i)!, 6);
      }
    });
  });

  it("a cancel stops the transform: the job ends CANCELLED once it is Stopped; resumed, it runs a new one", async () => {
    fake.transformJobs.setRunTime(60_000);
    const id = await createdJob();
    const run = runBatchJob(runtime("worker-a"), id);
    const name = await transformRunning(id);
    expect(transformStatus(name)).toBe("InProgress");
    const cancelled = await callApi("POST", `/batch-jobs/${id}/cancel`, { token: model.token });
    expect(cancelled.json).toMatchObject({ status: "CANCELLING" });
    await expect(run).resolves.toBe("CANCELLED");
    expect(transformStatus(name)).toBe("Stopped");
    expect(await jobRow(id)).toMatchObject({ status: "CANCELLED", outputArtifactId: null });

    fake.transformJobs.setRunTime(300);
    const resumed = await callApi("POST", `/batch-jobs/${id}/resume`, { token: model.token });
    expect(resumed.json).toMatchObject({ status: "QUEUED" });
    await expect(runBatchJob(runtime("worker-b"), id)).resolves.toBe("SUCCEEDED");
    expect(await jobRow(id)).toMatchObject({ externalJobName: transformJobName(`${id}-r1`), rowsDone: ROWS });
  });

  it("rows the model cannot take count against maxFailedRows before SageMaker sees anything", async () => {
    const before = { creates: creates(), jobs: fake.transformJobs.names().length };
    const id = await createdJob({ maxFailedRows: 1 });
    await expect(runBatchJob(runtime("worker-a"), id)).resolves.toBe("FAILED");
    expect((await jobRow(id)).failureReason).toMatch(/^2 rows failed, more than the 1 allowed \(first: row 41: /);
    expect({ creates: creates(), jobs: fake.transformJobs.names().length }).toEqual(before);
  });

  it("a Failed transform fails the job with SageMaker's reason", async () => {
    const id = await createdJob();
    // Packed as model.tar.gz, the model is one the stand-in's container refuses to serve (and says why).
    const packed = runtime("worker-a", { ...process.env, MODELPORT_SAGEMAKER_PACKAGING_ONNX: "tar.gz" });
    await expect(runBatchJob(packed, id)).resolves.toBe("FAILED");
    expect((await jobRow(id)).failureReason).toMatch(
      new RegExp(
        `^SageMaker transform job ${transformJobName(id)} failed: ClientError: the stand-in's container serves only an uncompressed ONNX`,
      ),
    );
    expect(transformStatus(transformJobName(id))).toBe("Failed");
  });

  it("a worker that takes over from one that died waits for the same transform: never a second one", async () => {
    fake.transformJobs.setRunTime(3_000);
    try {
      const id = await createdJob();
      const first = runBatchJob(runtime("worker-dies"), id);
      const name = await transformRunning(id);
      const createsBefore = creates();
      const uploads = () =>
        fakeS3.operations().filter((op) => op === `PUT /${BUCKET}/prod/batch/${id}/input/scoring.csv`).length;
      const uploadsBefore = uploads();
      // The first worker stops renewing (as if killed) and its lease lapses: it finds out and stops waiting.
      await db()
        .$executeRaw`UPDATE "BatchJob" SET "leaseOwner" = 'gone', "leaseExpiresAt" = now() - interval '1 second' WHERE id = ${id}`;
      await expect(first).resolves.toBe("SUPERSEDED");
      expect(transformStatus(name)).toBe("InProgress");

      await expect(runBatchJob(runtime("worker-takes-over"), id)).resolves.toBe("SUCCEEDED");
      expect(creates()).toBe(createsBefore);
      expect(uploads()).toBe(uploadsBefore);
      expect(fake.transformJobs.names().filter((job) => job.includes(id))).toEqual([name]);
      expect(await jobRow(id)).toMatchObject({ status: "SUCCEEDED", rowsDone: ROWS, externalJobName: name });
    } finally {
      fake.transformJobs.setRunTime(300);
    }
  });
});
