import { ACTIVE_BATCH_STATUSES } from "@/contracts/batch-jobs";
import { signatureSchema } from "@/contracts/signature";
import { CsvSyntaxError } from "@/lib/csv/csv-byte-records";
import { errorMessage } from "@/lib/error-message";
import { chunksOf } from "@/lib/web-streams";
import type { Db } from "@/server/db/client";
import { acquireRowLease, LeaseLost, type Lease, type LeaseSettings } from "@/server/db/row-lease";
import type { LocalRuntimeClient } from "@/server/integrations/local-runtime/client";
import type { TransformJobDeps } from "@/server/integrations/sagemaker/transform-job";
import type { ArtifactStore } from "@/server/services/artifacts/artifact-store";
import { BatchInputError, planColumns } from "@/server/services/batch/batch-columns";
import { assembleOutput } from "@/server/services/batch/batch-output";
import { PartWriter, type LastPart } from "@/server/services/batch/part-writer";
import { readHeader } from "@/server/services/batch/read-header";
import { runTransformJob } from "@/server/services/batch/run-transform-job";
import type { Clock } from "@/server/services/context";
import { loadScratchEndpoint } from "@/server/services/quality/gate/scratch-endpoint";

/** What running a batch job needs: the database, the artifact store, the local runtime and a lease per job. */
export type BatchRuntime = {
  db: Db;
  artifacts: ArtifactStore;
  runtime: LocalRuntimeClient;
  clock: Clock;
  lease: LeaseSettings;
  sleep: (ms: number) => Promise<void>;
  /** A file the runtime can load the model from (the artifact store's local copy). */
  modelFile: (sha256: string) => Promise<string>;
  /** SageMaker's clients, for jobs with target SAGEMAKER (run-transform-job.ts); throws when it is not configured. */
  sageMaker?: () => TransformJobDeps;
};

export type BatchOutcome = "NOTHING_TO_DO" | "SUCCEEDED" | "CANCELLED" | "FAILED" | "SUPERSEDED";

const ACTIVE_SQL = `status IN (${ACTIVE_BATCH_STATUSES.map((s) => `'${s}'`).join(", ")})`;

async function loadJob(db: Db, jobId: string) {
  return db.batchJob.findUnique({
    where: { id: jobId },
    include: {
      input: true,
      version: { include: { artifact: true, model: { select: { name: true } } } },
      parts: { orderBy: { index: "desc" }, take: 1 },
    },
  });
}
export type LoadedJob = NonNullable<Awaited<ReturnType<typeof loadJob>>>;

/** Ends the job (fenced: only while this worker holds it). */
async function settle(rt: BatchRuntime, lease: Lease, jobId: string, status: "CANCELLED" | "FAILED", reason?: string) {
  await rt.db.$transaction(async (tx) => {
    await lease.fence(tx);
    await tx.batchJob.update({
      where: { id: jobId },
      data: { status, finishedAt: rt.clock(), ...(reason !== undefined && { failureReason: reason.slice(0, 2_000) }) },
    });
  });
}

async function markRunning(rt: BatchRuntime, lease: Lease, job: LoadedJob) {
  await rt.db.$transaction(async (tx) => {
    await lease.fence(tx);
    await tx.batchJob.update({
      where: { id: job.id },
      data: {
        status: "RUNNING",
        attempts: { increment: 1 },
        startedAt: rt.clock(),
        finishedAt: null,
        failureReason: null,
        rowsAtStart: job.rowsDone,
        bytesAtStart: job.bytesDone,
      },
    });
  });
}

/**
 * Scores the job's dataset with its version on a scratch endpoint of the local runtime, part by part: each part's
 * output is stored and recorded with where the input resumes before the next part starts, so a killed worker or a
 * cancelled job continues after the last part recorded and the output joins back exactly (every row once, in
 * order). The endpoint is deleted whatever happens.
 */
async function score(rt: BatchRuntime, lease: Lease, job: LoadedJob): Promise<"SUCCEEDED" | "CANCELLED"> {
  const artifact = job.version.artifact;
  if (!artifact) throw new BatchInputError(`Version ${job.version.version} has no model file`);
  const signature = signatureSchema.parse(job.version.signature);
  const header = await readHeader(rt.artifacts, job.input.sha256, Number(job.inputBytes));
  const columns = planColumns(header.fields, job.keyColumns, signature);
  // One endpoint per run: a worker that lost the job (its lease lapsed) deletes its own endpoint, not its successor's.
  const endpointName = `batch-${job.id}-${job.attempts + 1}`;
  await loadScratchEndpoint(rt.runtime, endpointName, [
    {
      variantName: "batch",
      modelName: job.version.model.name,
      version: job.version.version,
      modelPath: await rt.modelFile(artifact.sha256),
      sha256: artifact.sha256,
      signature,
    },
  ]);
  try {
    const last: LastPart | undefined = job.parts[0] && {
      ...job.parts[0],
      inputEndOffset: Number(job.parts[0].inputEndOffset),
    };
    const start = last?.inputEndOffset ?? header.endOffset;
    const writer = new PartWriter(rt, lease, job, columns, endpointName, { offset: start, last });
    if (start < Number(job.inputBytes)) {
      const stream = await rt.artifacts.getRange(job.input.sha256, { start, end: Number(job.inputBytes) - 1 });
      for await (const chunk of chunksOf(stream)) if ((await writer.add(chunk)) === "CANCELLED") return "CANCELLED";
    }
    if ((await writer.finish()) === "CANCELLED") return "CANCELLED";
    await assembleOutput(rt, lease, job, columns);
    return "SUCCEEDED";
  } finally {
    // The runtime may be gone (why the run ends): the run's own outcome or error is what the job records, not this.
    await rt.runtime
      .control()
      .deleteEndpoint(endpointName)
      .catch(() => undefined);
  }
}

/**
 * Runs one batch job to its end (succeeded, cancelled or failed), one worker at a time (a row lease; a second worker
 * waits, and takes over only when the first stopped renewing it). A problem with the dataset fails the job at once;
 * anything else (the runtime restarting, the store slow) is thrown for BullMQ to retry until the last attempt.
 */
export async function runBatchJob(
  rt: BatchRuntime,
  jobId: string,
  attempt: { lastAttempt: boolean } = { lastAttempt: true },
): Promise<BatchOutcome> {
  const lease = await acquireRowLease(
    rt.db,
    { table: "BatchJob", id: jobId, label: `Batch job ${jobId}`, active: ACTIVE_SQL },
    rt.lease,
    rt.sleep,
    async () => {
      const job = await rt.db.batchJob.findUnique({ where: { id: jobId }, select: { status: true } });
      return !!job && ACTIVE_BATCH_STATUSES.includes(job.status);
    },
  );
  if (!lease) return "NOTHING_TO_DO";
  try {
    const job = await loadJob(rt.db, jobId);
    if (!job) return "NOTHING_TO_DO";
    // A transform job already started is stopped before the batch job ends (run-transform-job.ts).
    if (job.status === "CANCELLING" && !job.externalJobName) {
      await settle(rt, lease, jobId, "CANCELLED");
      return "CANCELLED";
    }
    if (job.status !== "CANCELLING") await markRunning(rt, lease, job);
    const outcome = job.target === "SAGEMAKER" ? await runTransformJob(rt, lease, job) : await score(rt, lease, job);
    if (outcome === "CANCELLED") await settle(rt, lease, jobId, "CANCELLED");
    return outcome;
  } catch (error) {
    if (error instanceof LeaseLost) return "SUPERSEDED";
    const permanent = error instanceof BatchInputError || error instanceof CsvSyntaxError;
    if (!permanent && !attempt.lastAttempt) throw error;
    // Awaited here, not returned: `finally` releases the lease, and the fence in settle must still find it held.
    return await settle(rt, lease, jobId, "FAILED", errorMessage(error)).then(
      () => "FAILED" as const,
      (lost: unknown) => {
        if (lost instanceof LeaseLost) return "SUPERSEDED" as const;
        throw lost;
      },
    );
  } finally {
    await lease.release();
  }
}
