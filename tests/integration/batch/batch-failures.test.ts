import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCH_ERROR_COLUMN, BATCH_ROW_COLUMN } from "@/contracts/batch-jobs";
import { splitCsvRecord } from "@/lib/csv/csv-byte-records";
import { db } from "@/server/db/client";
import { localRuntimeClient } from "@/server/integrations/local-runtime/client";
import { createApiToken } from "@/server/services/admin/api-tokens";
import { runBatchJob } from "@/server/services/batch/run-batch-job";
import { enqueueActiveBatchJobs } from "@/server/services/batch/batch-jobs";
import { queueFor } from "@/server/jobs/define-job";
import { batchInferenceJob } from "@/server/jobs/batch-inference";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";
import { personWithCaller, trpcOutcome } from "@/tests/integration/support/trpc-caller";
import { until } from "@/tests/integration/support/until";
import { freePort } from "@/tests/integration/runtime/runtime-process";
import { startModelRuntime, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import {
  batchRuntime,
  datasetCsv,
  givenFraudModel,
  outputOf,
  uploadDataset,
} from "@/tests/integration/batch/batch-world";

// Batch jobs seen by an attacker and through an outage. Invariants:
// 1. Whatever stops a job (a cancel, the runtime down, too many bad rows, a second worker), the output of the run that
//    finally succeeds is exact: every input row once, in order, with its key and row number.
// 2. A running job cancelled stops after the part in flight and keeps its parts; resumed, it continues after them.
// 3. Only QUEUED/RUNNING jobs can be cancelled and only CANCELLED/FAILED ones resumed; anything else is a 409.
// 4. A bad row fails alone: it is in the output with its _error and empty outputs, counted and sampled; more bad
//    rows than allowed fail the job (resumable), naming the first.
// 5. Nothing is created from a request that cannot be scored (bad header, another model's dataset, a version with
//    no ONNX file, a bad file name, an empty body), nor by anyone outside the model's team; reading is open to all.
// 6. Two workers never both run a job: one runs it, the other finds nothing to do; a worker whose lease was taken
//    over records nothing more and does not break the worker that took it.
// 7. The runtime unreachable fails the job only on the last attempt (before it, the error is left to BullMQ's
//    retry and the job stays RUNNING); the job then resumes exactly.

let stack: ModelRuntime;
let model: Awaited<ReturnType<typeof givenFraudModel>>;

beforeAll(async () => {
  stack = await startModelRuntime("modelport-batch-failures-");
  model = await givenFraudModel(stack, "batch-fail");
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function createJob(body: Record<string, unknown>, token = model.scientist.secret, modelName = model.name) {
  return callApi("POST", `/models/${modelName}/batch-jobs`, {
    token,
    json: { version: model.version, keyColumns: ["txn_id"], ...body },
  });
}

async function givenJob(rows: number, body: Record<string, unknown> = {}, badRows?: ReadonlySet<number>) {
  const dataset = await uploadDataset(
    model.scientist.secret,
    model.name,
    datasetCsv(rows, model.featureNames, badRows),
  );
  const created = await createJob({ inputArtifactId: dataset.id, ...body });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  return created.json.id as string;
}

const jobRow = (jobId: string) => db().batchJob.findUniqueOrThrow({ where: { id: jobId } });

/** Every input row once, in order: its key, its 1-based number, a probability or (for a bad row) its error. */
async function expectExactOutput(jobId: string, rows: number, badRows: ReadonlySet<number> = new Set()) {
  const lines = await outputOf(jobId);
  expect(lines[0]).toBe(["txn_id", BATCH_ROW_COLUMN, ...model.outputNames, BATCH_ERROR_COLUMN].join(","));
  expect(lines).toHaveLength(rows + 1);
  for (let i = 0; i < rows; i++) {
    const [key, row, probability, error, ...rest] = splitCsvRecord(lines[i + 1]!);
    const ok = badRows.has(i)
      ? probability === "" && error!.startsWith(`"${model.featureNames[0]}": expected a number`)
      : error === "" && Number(probability) >= 0 && probability !== "";
    if (key !== `t${i}` || row !== String(i + 1) || !ok || rest.length > 0)
      throw new Error(`Output line ${i + 1} is ${lines[i + 1]}`);
  }
  const parts = await db().batchJobPart.findMany({ where: { jobId }, orderBy: { index: "asc" } });
  let next = 0;
  parts.forEach((part, i) => {
    expect(part.index).toBe(i);
    expect(part.firstRow).toBe(next);
    next += part.rowCount;
  });
  expect(next).toBe(rows);
}

/** A token of a data scientist of another team (not the model's). */
async function outsider() {
  const given = await givenUser("DATA_SCIENTIST", "Another team");
  return (await createApiToken(given.ctx, { name: "outsider", scopes: ["read", "models:write"], expiresInDays: 1 }))
    .secret;
}

describe("cancel and resume", () => {
  it(
    "stops a running job after the part in flight, keeps its parts, and resumes exactly",
    { timeout: 180_000 },
    async () => {
      const rows = 300_000;
      const jobId = await givenJob(rows, { batchSize: 500 });
      const run = runBatchJob(batchRuntime(stack, "cancel-first"), jobId);
      await until("the first part", async () => (await jobRow(jobId)).rowsDone > 0, 60_000);
      const cancel = await callApi("POST", `/batch-jobs/${jobId}/cancel`, { token: model.scientist.secret });
      expect(cancel.status, JSON.stringify(cancel.json)).toBe(200);
      expect(cancel.json.status).toBe("CANCELLING");
      // Asked twice: no conflict while it stops.
      expect((await callApi("POST", `/batch-jobs/${jobId}/cancel`, { token: model.scientist.secret })).status).toBe(
        200,
      );
      expect(await run).toBe("CANCELLED");

      const cancelled = await jobRow(jobId);
      expect(cancelled).toMatchObject({ status: "CANCELLED", outputArtifactId: null });
      expect(cancelled.finishedAt).not.toBeNull();
      expect(cancelled.rowsDone).toBeGreaterThan(0);
      expect(cancelled.rowsDone).toBeLessThan(rows);
      const parts = await db().batchJobPart.findMany({ where: { jobId }, orderBy: { index: "asc" } });
      expect(parts.length).toBeGreaterThan(0);
      expect(parts.reduce((sum, p) => sum + p.rowCount, 0)).toBe(cancelled.rowsDone);
      expect(cancelled.bytesDone).toBe(parts.at(-1)!.inputEndOffset);
      // A cancelled job is not cancelled again, and its run finds nothing to do.
      expect((await callApi("POST", `/batch-jobs/${jobId}/cancel`, { token: model.scientist.secret })).status).toBe(
        409,
      );
      expect(await runBatchJob(batchRuntime(stack, "cancel-late"), jobId)).toBe("NOTHING_TO_DO");

      const resumed = await callApi("POST", `/batch-jobs/${jobId}/resume`, { token: model.scientist.secret });
      expect(resumed.status, JSON.stringify(resumed.json)).toBe(200);
      expect(resumed.json).toMatchObject({ status: "QUEUED", failureReason: null, finishedAt: null });
      expect(await runBatchJob(batchRuntime(stack, "cancel-second"), jobId)).toBe("SUCCEEDED");
      const done = await jobRow(jobId);
      expect(done).toMatchObject({ status: "SUCCEEDED", rowsDone: rows, rowsFailed: 0, attempts: 2 });
      expect(done.rowsAtStart).toBe(cancelled.rowsDone);
      await expectExactOutput(jobId, rows);
    },
  );

  it("cancels a queued job at once, and refuses to cancel or resume jobs in the wrong state (409)", async () => {
    const token = model.scientist.secret;
    const queued = await givenJob(10);
    const cancel = await callApi("POST", `/batch-jobs/${queued}/cancel`, { token });
    expect(cancel.json).toMatchObject({ status: "CANCELLED" });
    expect(cancel.json.finishedAt).not.toBeNull();
    expect(await runBatchJob(batchRuntime(stack, "queued-cancel"), queued)).toBe("NOTHING_TO_DO");

    const succeeded = await givenJob(10);
    expect(await runBatchJob(batchRuntime(stack, "done"), succeeded)).toBe("SUCCEEDED");
    await expectExactOutput(succeeded, 10);
    for (const action of ["cancel", "resume"]) {
      const response = await callApi("POST", `/batch-jobs/${succeeded}/${action}`, { token });
      expect(response.status, action).toBe(409);
      expect(response.json.error?.code).toBe("CONFLICT");
    }
    expect((await jobRow(succeeded)).status).toBe("SUCCEEDED");

    const running = await givenJob(10);
    for (const status of ["QUEUED", "RUNNING", "CANCELLING"] as const) {
      await db().batchJob.update({ where: { id: running }, data: { status } });
      const response = await callApi("POST", `/batch-jobs/${running}/resume`, { token });
      expect(response.status, status).toBe(409);
      expect((await jobRow(running)).status).toBe(status);
    }
    expect((await callApi("POST", "/batch-jobs/no-such-job/cancel", { token })).status).toBe(404);
  });
});

describe("bad rows", () => {
  const bad = new Set([3, 500, 999]);

  it("writes each bad row with its error and empty outputs, counts and samples them", async () => {
    const jobId = await givenJob(1_000, { batchSize: 64, maxFailedRows: bad.size }, bad);
    expect(await runBatchJob(batchRuntime(stack, "bad-rows"), jobId)).toBe("SUCCEEDED");
    const job = await jobRow(jobId);
    expect(job).toMatchObject({ status: "SUCCEEDED", rowsDone: 1_000, rowsFailed: 3 });
    expect(job.errorSamples).toEqual(
      [...bad].map((i) => ({ row: i + 1, message: expect.stringContaining(`got "lots"`) as unknown })),
    );
    await expectExactOutput(jobId, 1_000, bad);
  });

  it("fails the job when more rows fail than allowed, naming the first, and the job can be resumed", async () => {
    const jobId = await givenJob(1_000, { batchSize: 64, maxFailedRows: bad.size - 1 }, bad);
    expect(await runBatchJob(batchRuntime(stack, "too-many"), jobId)).toBe("FAILED");
    const failed = await jobRow(jobId);
    expect(failed.status).toBe("FAILED");
    expect(failed.failureReason).toMatch(/^3 rows failed, more than the 2 allowed \(first: row 4: "/);
    expect(failed.outputArtifactId).toBeNull();
    const resumed = await callApi("POST", `/batch-jobs/${jobId}/resume`, { token: model.scientist.secret });
    expect(resumed.json).toMatchObject({ status: "QUEUED", failureReason: null });
    // The same file fails the same way: a permanent failure, not retried forever.
    expect(await runBatchJob(batchRuntime(stack, "too-many-again"), jobId, { lastAttempt: false })).toBe("FAILED");
    expect((await jobRow(jobId)).failureReason).toMatch(/first: row 4:/);
  });
});

describe("unusual files", () => {
  const encode = (text: string) => new TextEncoder().encode(text);

  it("scores a CRLF file with a byte order mark, short rows and stray quotes, row for row", async () => {
    const names = model.featureNames;
    const values = (i: number) => names.map((_, f) => String((i * 3 + f) % 10));
    const lines = [
      `\uFEFFtxn_id,${names.join(",")},note`,
      `t0,${values(0).join(",")},"quoted, with ""quotes"""`,
      `t1,${values(1).join(",")},12" screen`,
      `t2,${values(2).slice(0, 1).join(",")}`,
      `t3,${values(3).join(",")},"two\r\nlines"`,
      `t4,${values(4).join(",")},15" screen`,
    ];
    const dataset = await uploadDataset(model.scientist.secret, model.name, encode(lines.join("\r\n") + "\r\n"));
    expect(dataset.columns[0]).toBe("txn_id");
    const created = await createJob({ inputArtifactId: dataset.id, batchSize: 2 });
    expect(created.status, created.text).toBe(201);
    const jobId = created.json.id as string;
    expect(await runBatchJob(batchRuntime(stack, "unusual"), jobId)).toBe("SUCCEEDED");
    expect(await jobRow(jobId)).toMatchObject({ rowsDone: 5, rowsFailed: 1 });
    const output = (await outputOf(jobId)).slice(1).map(splitCsvRecord);
    expect(output.map((fields) => fields.slice(0, 2))).toEqual([0, 1, 2, 3, 4].map((i) => [`t${i}`, String(i + 1)]));
    expect(output[2]![3]).toBe(`the row has no "${names[1]}" cell`);
    expect(output.filter((fields) => fields[3] === "")).toHaveLength(4);
  });

  it("succeeds with a header-only output for a file with no data rows", async () => {
    const dataset = await uploadDataset(model.scientist.secret, model.name, encode(`txn_id,${model.featureNames}\n`));
    const created = await createJob({ inputArtifactId: dataset.id });
    const jobId = created.json.id as string;
    expect(await runBatchJob(batchRuntime(stack, "empty"), jobId)).toBe("SUCCEEDED");
    expect(await jobRow(jobId)).toMatchObject({ status: "SUCCEEDED", rowsDone: 0 });
    expect(await outputOf(jobId)).toHaveLength(1);
    const view = await callApi("GET", `/batch-jobs/${jobId}`, { token: model.scientist.secret });
    expect(view.json).toMatchObject({ progress: 1, etaSeconds: null });
  });

  it("fails a file whose last quote is never closed, at once and for good", async () => {
    const body = `txn_id,${model.featureNames}\nt0,${model.featureNames.map(() => "1")}\nt1,"open\n`;
    const dataset = await uploadDataset(model.scientist.secret, model.name, encode(body));
    const jobId = (await createJob({ inputArtifactId: dataset.id })).json.id as string;
    expect(await runBatchJob(batchRuntime(stack, "unclosed"), jobId, { lastAttempt: false })).toBe("FAILED");
    expect((await jobRow(jobId)).failureReason).toMatch(/not closed/);
  });

  it("refuses a file with no line end in its first MiB (422)", async () => {
    const response = await callApi("POST", `/models/${model.name}/datasets?fileName=long.csv`, {
      token: model.scientist.secret,
      body: new Uint8Array(1024 * 1024 + 10).fill(0x61),
      headers: { "content-type": "text/csv" },
    });
    expect(response.status, response.text).toBe(422);
  });

  it("settles a job cancelled while no worker ran it when a worker next picks it up", async () => {
    const jobId = await givenJob(10);
    // As if its worker died mid-run: RUNNING, nobody holding the lease.
    await db().batchJob.update({ where: { id: jobId }, data: { status: "RUNNING" } });
    const cancel = await callApi("POST", `/batch-jobs/${jobId}/cancel`, { token: model.scientist.secret });
    expect(cancel.json).toMatchObject({ status: "CANCELLING" });
    expect(await runBatchJob(batchRuntime(stack, "after-death"), jobId)).toBe("CANCELLED");
    expect((await jobRow(jobId)).status).toBe("CANCELLED");
  });
});

describe("refused requests", () => {
  it("refuses a dataset whose header cannot be scored (422) and creates no job", async () => {
    const token = model.scientist.secret;
    const features = model.featureNames;
    const noInput = `txn_id,${features.slice(1).join(",")}\nt0,${features
      .slice(1)
      .map(() => "1")
      .join(",")}\n`;
    const withoutInput = await uploadDataset(token, model.name, new TextEncoder().encode(noInput), "no-input.csv");
    const plain = await uploadDataset(token, model.name, datasetCsv(2, features), "plain.csv");
    const before = await db().batchJob.count();
    const cases = [
      { inputArtifactId: withoutInput.id, pattern: new RegExp(`no input column "${features[0]}"`) },
      { inputArtifactId: plain.id, keyColumns: ["order_id"], pattern: /no key column "order_id"/ },
      { inputArtifactId: plain.id, keyColumns: [BATCH_ROW_COLUMN], pattern: /would clash/ },
      { inputArtifactId: plain.id, keyColumns: ["txn_id", " txn_id"], pattern: /named twice/ },
    ];
    for (const { pattern, ...body } of cases) {
      const response = await createJob(body);
      expect(response.status, JSON.stringify(response.json)).toBe(422);
      expect(response.json.error?.message).toMatch(pattern);
    }
    expect(await db().batchJob.count()).toBe(before);
  });

  it("refuses another model's dataset (404), a version without an ONNX file (422), an unknown version (404)", async () => {
    const token = model.scientist.secret;
    const other = await callApi("POST", "/models", {
      token,
      json: { name: `${model.name}-other`, team: model.scientist.team.name, taskType: "CLASSIFICATION" },
    });
    expect(other.status).toBe(201);
    const foreign = await uploadDataset(token, `${model.name}-other`, datasetCsv(2, model.featureNames));
    const own = await uploadDataset(token, model.name, datasetCsv(2, model.featureNames));
    const before = await db().batchJob.count();
    expect((await createJob({ inputArtifactId: foreign.id })).status).toBe(404);
    // A run's artifact is not a dataset either.
    const version = await db().modelVersion.findFirstOrThrow({
      where: { version: model.version, model: { name: model.name } },
    });
    expect((await createJob({ inputArtifactId: version.artifactId })).status).toBe(404);
    expect((await createJob({ inputArtifactId: "no-such-artifact" })).status).toBe(404);

    const vllm = await db().modelVersion.create({
      data: { modelId: version.modelId, version: 99, format: "VLLM", createdById: version.createdById },
    });
    const refused = await createJob({ inputArtifactId: own.id, version: vllm.version });
    expect(refused.status, JSON.stringify(refused.json)).toBe(422);
    expect(refused.json.error?.message).toMatch(/ONNX/);
    expect((await createJob({ inputArtifactId: own.id, version: 98 })).status).toBe(404);
    expect((await createJob({ inputArtifactId: own.id, target: "SAGEMAKER" })).status).toBeLessThan(500);
    expect(await db().batchJob.count()).toBe(before);
  });

  it("refuses bad file names (400), empty and missing bodies (4xx) and malformed job requests (400)", async () => {
    const token = model.scientist.secret;
    const bytes = datasetCsv(2, model.featureNames);
    const artifactsBefore = await db().artifact.count();
    for (const fileName of ["..%2Fescape.csv", "a%2Fb.csv", "data.txt", "data.csv.exe", ".hidden.csv", ""]) {
      const response = await callApi("POST", `/models/${model.name}/datasets?fileName=${fileName}`, {
        token,
        body: new Uint8Array(bytes),
        headers: { "content-type": "text/csv" },
      });
      expect(response.status, fileName).toBe(400);
    }
    const empty = await callApi("POST", `/models/${model.name}/datasets?fileName=empty.csv`, {
      token,
      body: new Uint8Array(0),
      headers: { "content-type": "text/csv" },
    });
    expect(empty.status, empty.text).toBeGreaterThanOrEqual(400);
    expect(empty.status, empty.text).toBeLessThan(500);
    const none = await callApi("POST", `/models/${model.name}/datasets?fileName=none.csv`, { token });
    expect(none.status, none.text).toBeGreaterThanOrEqual(400);
    expect(none.status, none.text).toBeLessThan(500);
    const noHeader = await callApi("POST", `/models/${model.name}/datasets?fileName=quote.csv`, {
      token,
      body: new TextEncoder().encode('"never closed\n1,2\n'),
      headers: { "content-type": "text/csv" },
    });
    expect(noHeader.status, noHeader.text).toBe(422);
    expect(await db().artifact.count()).toBe(artifactsBefore);

    for (const json of [{}, { version: model.version }, { version: "one", inputArtifactId: "x", keyColumns: ["a"] }]) {
      const response = await callApi("POST", `/models/${model.name}/batch-jobs`, { token, json });
      expect(response.status, JSON.stringify(json)).toBe(400);
    }
    const broken = await callApi("POST", `/models/${model.name}/batch-jobs`, {
      token,
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(broken.status).toBe(400);
    const dataset = await uploadDataset(token, model.name, bytes);
    for (const extra of [{ keyColumns: [] }, { batchSize: 0 }, { batchSize: 10_001 }, { maxFailedRows: -1 }]) {
      const response = await createJob({ inputArtifactId: dataset.id, ...extra });
      expect(response.status, JSON.stringify(extra)).toBe(400);
    }
  });

  it("lets only the model's team write (403 for a viewer and another team), and everyone signed in read", async () => {
    const viewer = (await givenToken("VIEWER", ["read"])).secret;
    const stranger = await outsider();
    const jobId = await givenJob(10);
    const dataset = await uploadDataset(model.scientist.secret, model.name, datasetCsv(2, model.featureNames));
    const jobsBefore = await db().batchJob.count();
    const artifactsBefore = await db().artifact.count();
    for (const token of [viewer, stranger]) {
      const upload = await callApi("POST", `/models/${model.name}/datasets?fileName=x.csv`, {
        token,
        body: new Uint8Array(datasetCsv(2, model.featureNames)),
        headers: { "content-type": "text/csv" },
      });
      expect(upload.status).toBe(403);
      expect((await createJob({ inputArtifactId: dataset.id }, token)).status).toBe(403);
      expect((await callApi("POST", `/batch-jobs/${jobId}/cancel`, { token })).status).toBe(403);
      expect((await callApi("POST", `/batch-jobs/${jobId}/resume`, { token })).status).toBe(403);

      const read = await callApi("GET", `/batch-jobs/${jobId}`, { token });
      expect(read.status).toBe(200);
      expect(read.json).toMatchObject({ id: jobId, status: "QUEUED", modelName: model.name });
      const list = await callApi("GET", `/models/${model.name}/batch-jobs?limit=100`, { token });
      expect(list.status).toBe(200);
      expect((list.json.items as { id: string }[]).map((j) => j.id)).toContain(jobId);
    }
    expect((await jobRow(jobId)).status).toBe("QUEUED");
    expect(await db().batchJob.count()).toBe(jobsBefore);
    expect(await db().artifact.count()).toBe(artifactsBefore);
    expect((await callApi("GET", `/batch-jobs/${jobId}`)).status).toBe(401);
  });
});

describe("tRPC", () => {
  it("applies the same team rule: FORBIDDEN to write for a viewer and another team, reading open", async () => {
    const jobId = await givenJob(10);
    const dataset = await uploadDataset(model.scientist.secret, model.name, datasetCsv(2, model.featureNames));
    const create = {
      modelName: model.name,
      version: model.version,
      inputArtifactId: dataset.id,
      keyColumns: ["txn_id"],
    };
    for (const [role, team] of [
      ["VIEWER", model.scientist.team.name],
      ["DATA_SCIENTIST", "Another team"],
    ] as const) {
      const { caller } = await personWithCaller(role, team);
      expect(await trpcOutcome(caller.batch.create(create)), role).toBe("FORBIDDEN");
      expect(await trpcOutcome(caller.batch.cancel({ jobId })), role).toBe("FORBIDDEN");
      expect(await trpcOutcome(caller.batch.resume({ jobId })), role).toBe("FORBIDDEN");
      expect((await caller.batch.get({ jobId })).status).toBe("QUEUED");
      expect((await caller.batch.list({ modelName: model.name, limit: 100 })).items.map((j) => j.id)).toContain(jobId);
    }
    const { caller } = await personWithCaller("DATA_SCIENTIST", model.scientist.team.name);
    expect((await caller.batch.cancel({ jobId })).status).toBe("CANCELLED");
    expect(await trpcOutcome(caller.batch.cancel({ jobId }))).toBe("CONFLICT");
  });
});

describe("two workers", () => {
  it("runs a job once when two workers start it at the same time", { timeout: 120_000 }, async () => {
    const rows = 30_000;
    const jobId = await givenJob(rows, { batchSize: 500 });
    const outcomes = await Promise.all([
      runBatchJob(batchRuntime(stack, "twin-a"), jobId),
      runBatchJob(batchRuntime(stack, "twin-b"), jobId),
    ]);
    expect(outcomes.sort()).toEqual(["NOTHING_TO_DO", "SUCCEEDED"]);
    expect(await jobRow(jobId)).toMatchObject({ status: "SUCCEEDED", rowsDone: rows, attempts: 1, leaseOwner: null });
    await expectExactOutput(jobId, rows);
  });

  it(
    "lets a worker take over a job whose lease lapsed: the first records nothing more",
    { timeout: 120_000 },
    async () => {
      const rows = 150_000;
      const jobId = await givenJob(rows, { batchSize: 500 });
      const first = runBatchJob(batchRuntime(stack, "frozen"), jobId);
      await until("the first part", async () => (await jobRow(jobId)).rowsDone > 0, 60_000);
      // As if the first worker froze past its lease and another took the job over.
      await db().batchJob.update({ where: { id: jobId }, data: { leaseOwner: "taker" } });
      const second = runBatchJob(batchRuntime(stack, "taker"), jobId);
      expect(await first).toBe("SUPERSEDED");
      expect(await second, (await jobRow(jobId)).failureReason ?? "").toBe("SUCCEEDED");
      expect(await jobRow(jobId)).toMatchObject({ status: "SUCCEEDED", rowsDone: rows, attempts: 2 });
      await expectExactOutput(jobId, rows);
    },
  );
});

describe("the queue losing a job's entry", () => {
  it("queues again the active jobs the queue has no entry for, once, and leaves the others alone", async () => {
    const queue = queueFor(batchInferenceJob.queue);
    const entriesOf = async (jobId: string) =>
      (await queue.getJobs(["waiting", "active", "delayed"])).filter((entry) => entry?.data.jobId === jobId);
    const lost = await givenJob(10);
    const kept = await givenJob(10);
    expect(await entriesOf(lost)).toHaveLength(1);
    // Redis restarted without its data, for this job's entry only.
    for (const entry of await entriesOf(lost)) await entry.remove();

    expect(await enqueueActiveBatchJobs(db())).toBeGreaterThanOrEqual(1);
    expect(await entriesOf(lost)).toHaveLength(1);
    expect(await entriesOf(kept)).toHaveLength(1);
    await enqueueActiveBatchJobs(db());
    expect(await entriesOf(lost)).toHaveLength(1);

    // The entry runs the job to its end; ended jobs are never queued again.
    expect(await runBatchJob(batchRuntime(stack, "requeued"), lost)).toBe("SUCCEEDED");
    for (const entry of await entriesOf(lost)) await entry.remove();
    await enqueueActiveBatchJobs(db());
    expect(await entriesOf(lost)).toHaveLength(0);
    await expectExactOutput(lost, 10);
  });
});

describe("the runtime unreachable", () => {
  it(
    "leaves the job to BullMQ's retry, fails it on the last attempt, and resumes exactly",
    { timeout: 120_000 },
    async () => {
      const rows = 5_000;
      const jobId = await givenJob(rows, { batchSize: 500 });
      const closed = await freePort();
      const unreachable = {
        ...batchRuntime(stack, "down"),
        runtime: localRuntimeClient({
          baseUrl: `http://127.0.0.1:${closed}`,
          controlToken: stack.runtime.controlToken,
        }),
      };
      await expect(runBatchJob(unreachable, jobId, { lastAttempt: false })).rejects.toThrow();
      const retried = await jobRow(jobId);
      expect(retried).toMatchObject({ status: "RUNNING", attempts: 1, failureReason: null, leaseOwner: null });

      expect(await runBatchJob(unreachable, jobId, { lastAttempt: true })).toBe("FAILED");
      const failed = await jobRow(jobId);
      expect(failed).toMatchObject({ status: "FAILED", attempts: 2 });
      expect(failed.failureReason).toBeTruthy();

      const resumed = await callApi("POST", `/batch-jobs/${jobId}/resume`, { token: model.scientist.secret });
      expect(resumed.status).toBe(200);
      expect(await runBatchJob(batchRuntime(stack, "up"), jobId)).toBe("SUCCEEDED");
      await expectExactOutput(jobId, rows);
    },
  );
});

describe("the runtime dying mid-job", () => {
  it(
    "keeps the parts written, fails on the last attempt with the runtime's error, and resumes exactly",
    { timeout: 120_000 },
    async () => {
      const rows = 150_000;
      const jobId = await givenJob(rows, { batchSize: 500 });
      const real = batchRuntime(stack, "dying");
      const gone = localRuntimeClient({
        baseUrl: `http://127.0.0.1:${await freePort()}`,
        controlToken: stack.runtime.controlToken,
      });
      let dead = false;
      const dying = {
        ...real,
        runtime: {
          ...real.runtime,
          invokeCsv: (...args: Parameters<typeof real.runtime.invokeCsv>) =>
            dead ? gone.invokeCsv(...args) : real.runtime.invokeCsv(...args),
          control: () => (dead ? gone.control() : real.runtime.control()),
        },
      };
      const run = runBatchJob(dying, jobId, { lastAttempt: true });
      await until("the first part", async () => (await jobRow(jobId)).rowsDone > 0, 60_000);
      dead = true;
      expect(await run).toBe("FAILED");
      const failed = await jobRow(jobId);
      expect(failed.rowsDone).toBeGreaterThan(0);
      expect(failed.rowsDone).toBeLessThan(rows);
      expect(failed.failureReason).toMatch(/The local runtime did not answer/);
      expect(await db().batchJobPart.count({ where: { jobId } })).toBeGreaterThan(0);

      expect((await callApi("POST", `/batch-jobs/${jobId}/resume`, { token: model.scientist.secret })).status).toBe(
        200,
      );
      expect(await runBatchJob(batchRuntime(stack, "revived"), jobId)).toBe("SUCCEEDED");
      expect((await jobRow(jobId)).rowsAtStart).toBe(failed.rowsDone);
      await expectExactOutput(jobId, rows);
    },
  );
});

describe("lists", () => {
  it("pages newest first with a keyset cursor and filters by version and status", { timeout: 60_000 }, async () => {
    const token = model.scientist.secret;
    const listModel = await givenFraudModel(stack, "batch-list");
    const second = await registerSecondVersion(listModel);
    const ids: string[] = [];
    for (const version of [listModel.version, second, listModel.version, second, listModel.version]) {
      const dataset = await uploadDataset(
        listModel.scientist.secret,
        listModel.name,
        datasetCsv(2, listModel.featureNames),
      );
      const created = await createJob(
        { inputArtifactId: dataset.id, version },
        listModel.scientist.secret,
        listModel.name,
      );
      expect(created.status).toBe(201);
      ids.push(created.json.id as string);
    }
    // Two jobs created in the same instant still page apart (ties are ordered by id).
    const tie = new Date();
    await db().batchJob.updateMany({ where: { id: { in: ids.slice(1, 3) } }, data: { createdAt: tie } });
    await db().batchJob.update({ where: { id: ids[0]! }, data: { createdAt: new Date(tie.getTime() - 1000) } });
    await db().batchJob.updateMany({
      where: { id: { in: ids.slice(3) } },
      data: { createdAt: new Date(tie.getTime() + 1000) },
    });
    await callApi("POST", `/batch-jobs/${ids[4]}/cancel`, { token: listModel.scientist.secret });

    const all = (await callApi("GET", `/models/${listModel.name}/batch-jobs?limit=100`, { token })).json.items as {
      id: string;
      createdAt: string;
    }[];
    expect(all).toHaveLength(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&after=${cursor}` : "";
      const page = await callApi("GET", `/models/${listModel.name}/batch-jobs?limit=2${query}`, { token });
      expect(page.status).toBe(200);
      const items = page.json.items as { id: string }[];
      expect(items.length).toBeLessThanOrEqual(2);
      seen.push(...items.map((j) => j.id));
      cursor = page.json.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(all.map((j) => j.id));
    expect(new Set(seen).size).toBe(5);
    expect(seen[4]).toBe(ids[0]);

    const ofSecond = await callApi("GET", `/models/${listModel.name}/batch-jobs?version=${second}`, { token });
    expect((ofSecond.json.items as { id: string; version: number }[]).map((j) => j.id).sort()).toEqual(
      [ids[1]!, ids[3]!].sort(),
    );
    const cancelled = await callApi("GET", `/models/${listModel.name}/batch-jobs?status=CANCELLED`, { token });
    expect((cancelled.json.items as { id: string }[]).map((j) => j.id)).toEqual([ids[4]]);
    const none = await callApi("GET", `/models/${listModel.name}/batch-jobs?status=SUCCEEDED&version=${second}`, {
      token,
    });
    expect(none.json).toEqual({ items: [], nextCursor: null });
    // Another model's jobs never show up, and bad filters are refused.
    const mine = await callApi("GET", `/models/${model.name}/batch-jobs?limit=100`, { token });
    expect((mine.json.items as { id: string }[]).map((j) => j.id)).not.toContain(ids[0]);
    expect((await callApi("GET", `/models/${listModel.name}/batch-jobs?status=DONE`, { token })).status).toBe(400);
    expect((await callApi("GET", `/models/${listModel.name}/batch-jobs?limit=0`, { token })).status).toBe(400);
  });
});

/** A second version of the model: the same ONNX file and signature, registered as the next number. */
async function registerSecondVersion(listModel: Awaited<ReturnType<typeof givenFraudModel>>) {
  const first = await db().modelVersion.findFirstOrThrow({
    where: { version: listModel.version, model: { name: listModel.name } },
  });
  const { id: _id, createdAt: _at, llmShape: _shape, sla: _sla, ...fields } = first;
  const second = await db().modelVersion.create({
    data: {
      ...fields,
      version: first.version + 1,
      signature: first.signature!,
      metricsSnapshot: first.metricsSnapshot!,
    },
  });
  return second.version;
}
