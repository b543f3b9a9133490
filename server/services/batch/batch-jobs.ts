import type { z } from "zod";
import {
  ACTIVE_BATCH_STATUSES,
  createBatchJobInput,
  RESUMABLE_BATCH_STATUSES,
  type CreateBatchJobInput,
} from "@/contracts/batch-jobs";
import { signatureSchema } from "@/contracts/signature";
import { errorMessage } from "@/lib/error-message";
import type { Prisma } from "@/server/db/generated/client";
import { AppError, conflict, notFound } from "@/server/errors";
import { batchJobsQueued, enqueueBatchJob } from "@/server/jobs/batch-inference";
import type { Db } from "@/server/db/client";
import { recordAudit } from "@/server/services/audit/record-audit";
import { BatchInputError, planColumns } from "@/server/services/batch/batch-columns";
import { datasetFolder } from "@/server/services/batch/datasets";
import { readHeader } from "@/server/services/batch/read-header";
import { batchProgress } from "@/server/services/batch/progress";
import { sageMakerBatchConfigFromEnv } from "@/server/integrations/sagemaker/config";
import { assertTransformable } from "@/server/services/batch/transform-plan";
import { batchJobIdInput, listBatchJobsInput, type BatchJobView } from "@/server/services/batch/schemas";
import type { AuditedContext, ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";

const jobInclude = {
  input: true,
  output: true,
  version: { select: { version: true, model: { select: { name: true } } } },
} satisfies Prisma.BatchJobInclude;
type JobRow = Prisma.BatchJobGetPayload<{ include: typeof jobInclude }>;

const artifactRef = (a: { id: string; path: string; sizeBytes: bigint; sha256: string }) => ({
  id: a.id,
  path: a.path,
  sizeBytes: Number(a.sizeBytes),
  sha256: a.sha256,
});

function view(job: JobRow, names: Map<string, string>, now: Date): BatchJobView {
  const numbers = {
    inputBytes: Number(job.inputBytes),
    bytesDone: Number(job.bytesDone),
    bytesAtStart: Number(job.bytesAtStart),
  };
  return {
    id: job.id,
    modelName: job.version.model.name,
    version: job.version.version,
    target: job.target === "SAGEMAKER" ? "SAGEMAKER" : "LOCAL",
    status: job.status,
    keyColumns: job.keyColumns,
    batchSize: job.batchSize,
    maxFailedRows: job.maxFailedRows,
    input: artifactRef(job.input),
    output: job.output && artifactRef(job.output),
    inputBytes: numbers.inputBytes,
    bytesDone: numbers.bytesDone,
    rowsDone: job.rowsDone,
    rowsFailed: job.rowsFailed,
    ...batchProgress({ ...job, ...numbers }, now),
    errorSamples: Array.isArray(job.errorSamples) ? (job.errorSamples as BatchJobView["errorSamples"]) : [],
    failureReason: job.failureReason,
    attempts: job.attempts,
    externalJobName: job.externalJobName,
    createdBy: { id: job.createdById, name: names.get(job.createdById) ?? "(unknown)" },
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

async function views(ctx: Pick<ServiceContext, "db" | "clock">, jobs: JobRow[]) {
  const ids = [...new Set(jobs.map((j) => j.createdById))];
  const users = await ctx.db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const names = new Map(users.map((u) => [u.id, u.name ?? u.id]));
  return jobs.map((job) => view(job, names, ctx.clock()));
}

/** How long a request waits for Redis to take a job: its client queues commands while it reconnects, for ever. */
const ENQUEUE_TIMEOUT_MS = 5_000;

/** Queues the job's work; if the queue cannot take it, the job says so and may be resumed once it is back. */
async function queueOrFail(ctx: Pick<ServiceContext, "db" | "clock">, jobId: string) {
  let timer: NodeJS.Timeout | undefined;
  try {
    // A job queued late (Redis back after the timeout) finds its job FAILED and does nothing.
    await Promise.race([
      enqueueBatchJob(jobId),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not answer within ${ENQUEUE_TIMEOUT_MS} ms`)),
          ENQUEUE_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    await ctx.db.batchJob.update({
      where: { id: jobId },
      data: { status: "FAILED", finishedAt: ctx.clock(), failureReason: `Could not queue: ${errorMessage(error)}` },
    });
    throw new AppError("UNAVAILABLE", "The job queue is unavailable: the job was saved as failed; resume it later");
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts scoring an uploaded dataset with a registered version. Everything is checked before the job exists: the
 * version (ONNX, with a model file), the dataset (its header holds the key columns and every model input). The job
 * row and its audit entry are written together, then the work is queued.
 */
export async function createBatchJob(ctx: ServiceContext, rawInput: CreateBatchJobInput): Promise<BatchJobView> {
  const input = parseInput(createBatchJobInput, rawInput);
  const version = await ctx.db.modelVersion.findFirst({
    where: { version: input.version, model: { name: input.modelName } },
    select: { id: true, modelId: true, format: true, artifactId: true, signature: true },
  });
  if (!version) throw notFound(`Version ${input.version} of model "${input.modelName}"`);
  if (version.format !== "ONNX" || !version.artifactId)
    throw new AppError(
      "UNPROCESSABLE",
      `Batch jobs score ONNX versions with a model file; this one is ${version.format}`,
    );
  const sageMaker = input.target === "SAGEMAKER" ? sageMakerBatchConfigFromEnv() : undefined;
  if (sageMaker && "problem" in sageMaker)
    throw new AppError("BAD_REQUEST", `Batch jobs cannot run on SageMaker: ${sageMaker.problem}; use LOCAL`);
  const dataset = await ctx.db.artifact.findUnique({ where: { id: input.inputArtifactId } });
  // A dataset belongs to the model it was uploaded for: another team's data is never scored (nor its keys copied).
  if (!dataset || dataset.runId !== null || !dataset.path.startsWith(datasetFolder(version.modelId)))
    throw notFound(`Dataset of model "${input.modelName}" (upload it with POST /models/{name}/datasets)`);
  const signature = signatureSchema.parse(version.signature);
  try {
    const header = await readHeader(ctx.artifacts, dataset.sha256, Number(dataset.sizeBytes));
    const columns = planColumns(header.fields, input.keyColumns, signature);
    if (sageMaker && "config" in sageMaker) assertTransformable(sageMaker.config, columns);
  } catch (error) {
    if (error instanceof BatchInputError) throw new AppError("UNPROCESSABLE", error.message);
    throw error;
  }
  const job = await ctx.db.$transaction(async (tx) => {
    const created = await tx.batchJob.create({
      data: {
        versionId: version.id,
        target: input.target,
        inputArtifactId: dataset.id,
        inputFormat: "csv",
        keyColumns: input.keyColumns,
        batchSize: input.batchSize,
        maxFailedRows: input.maxFailedRows,
        inputBytes: dataset.sizeBytes,
        createdById: ctx.actor.userId,
      },
      include: jobInclude,
    });
    await recordAudit(tx, ctx.actor, {
      action: "batch.create",
      entityType: "BatchJob",
      entityId: created.id,
      after: {
        modelName: input.modelName,
        version: input.version,
        dataset: dataset.path,
        keyColumns: input.keyColumns,
      },
    });
    return created;
  });
  await queueOrFail(ctx, job.id);
  return (await views(ctx, [job]))[0]!;
}

async function lockedJob(tx: Prisma.TransactionClient, jobId: string) {
  const [row] = await tx.$queryRaw<{ status: string }[]>`
    SELECT status::text FROM "BatchJob" WHERE id = ${jobId} FOR NO KEY UPDATE`;
  if (!row) throw notFound("Batch job");
  return row.status;
}

/**
 * Stops a job: a queued one at once; a running one after the part in flight (its output so far is kept, and it can
 * be resumed from there). Cancelling a job that already ended is a conflict.
 */
export async function cancelBatchJob(
  ctx: AuditedContext & Pick<ServiceContext, "clock">,
  rawInput: z.input<typeof batchJobIdInput>,
) {
  const { jobId } = parseInput(batchJobIdInput, rawInput);
  await ctx.db.$transaction(async (tx) => {
    const status = await lockedJob(tx, jobId);
    if (status === "CANCELLING") return;
    if (status !== "QUEUED" && status !== "RUNNING") throw conflict(`The job is ${status}: there is nothing to cancel`);
    await tx.batchJob.update({
      where: { id: jobId },
      data: status === "QUEUED" ? { status: "CANCELLED", finishedAt: ctx.clock() } : { status: "CANCELLING" },
    });
    await recordAudit(tx, ctx.actor, {
      action: "batch.cancel",
      entityType: "BatchJob",
      entityId: jobId,
      before: { status },
    });
  });
  return getBatchJob(ctx, { jobId });
}

/** Continues a cancelled or failed job after its last written part. */
export async function resumeBatchJob(ctx: ServiceContext, rawInput: z.input<typeof batchJobIdInput>) {
  const { jobId } = parseInput(batchJobIdInput, rawInput);
  await ctx.db.$transaction(async (tx) => {
    const status = await lockedJob(tx, jobId);
    if (!RESUMABLE_BATCH_STATUSES.includes(status as (typeof RESUMABLE_BATCH_STATUSES)[number]))
      throw conflict(`The job is ${status}: only a cancelled or failed job can be resumed`);
    await tx.batchJob.update({
      where: { id: jobId },
      data: { status: "QUEUED", finishedAt: null, failureReason: null },
    });
    await recordAudit(tx, ctx.actor, {
      action: "batch.resume",
      entityType: "BatchJob",
      entityId: jobId,
      before: { status },
    });
  });
  await queueOrFail(ctx, jobId);
  return getBatchJob(ctx, { jobId });
}

export async function getBatchJob(
  ctx: Pick<ServiceContext, "db" | "clock">,
  rawInput: z.input<typeof batchJobIdInput>,
) {
  const { jobId } = parseInput(batchJobIdInput, rawInput);
  const job = await ctx.db.batchJob.findUnique({ where: { id: jobId }, include: jobInclude });
  if (!job) throw notFound("Batch job");
  return (await views(ctx, [job]))[0]!;
}

/** A model's batch jobs, newest first (keyset paging), optionally of one version or status. */
export async function listBatchJobs(
  ctx: Pick<ServiceContext, "db" | "clock">,
  rawInput: z.input<typeof listBatchJobsInput>,
) {
  const input = parseInput(listBatchJobsInput, rawInput);
  const after = input.after
    ? await ctx.db.batchJob.findUnique({ where: { id: input.after }, select: { createdAt: true, id: true } })
    : null;
  const jobs = await ctx.db.batchJob.findMany({
    where: {
      version: { model: { name: input.modelName }, ...(input.version !== undefined && { version: input.version }) },
      ...(input.status && { status: input.status }),
      ...(after && {
        OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
      }),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    include: jobInclude,
  });
  const page = jobs.slice(0, input.limit);
  return { items: await views(ctx, page), nextCursor: jobs.length > input.limit ? page.at(-1)!.id : null };
}

/**
 * Queues again every batch job the database says is queued, running or cancelling but the queue has no entry for: a
 * Redis that kept nothing on disk, or a crash between the commit and the enqueue. Called when a worker starts and
 * whenever Redis comes back; a job whose entry is still there is left alone (its row lease would make a second run
 * wait anyway).
 */
export async function enqueueActiveBatchJobs(db: Db): Promise<number> {
  const active = await db.batchJob.findMany({
    where: { status: { in: [...ACTIVE_BATCH_STATUSES] } },
    select: { id: true },
  });
  if (active.length === 0) return 0;
  const queued = await batchJobsQueued();
  const lost = active.filter((job) => !queued.has(job.id));
  for (const job of lost) await enqueueBatchJob(job.id);
  return lost.length;
}
