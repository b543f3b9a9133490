import path from "node:path";
import { signatureSchema, type Signature } from "@/contracts/signature";
import { errorMessage } from "@/lib/error-message";
import type { Lease } from "@/server/db/row-lease";
import { PermanentTargetError } from "@/server/integrations/sagemaker/errors";
import { sleep } from "@/server/integrations/sagemaker/timing";
import {
  startTransformJob,
  stopTransformJob,
  waitForTransformJob,
  type TransformJobDeps,
  type TransformJobState,
} from "@/server/integrations/sagemaker/transform-job";
import {
  DEFAULT_MAX_PAYLOAD_MB,
  transformJobName,
  transformOutputUri,
  type TransformSpec,
} from "@/server/integrations/sagemaker/transform-spec";
import { log } from "@/server/logging/logger";
import { BatchInputError, planColumns } from "@/server/services/batch/batch-columns";
import { recordOutput } from "@/server/services/batch/batch-output";
import { readHeader } from "@/server/services/batch/read-header";
import type { BatchRuntime, LoadedJob } from "@/server/services/batch/run-batch-job";
import { uploadTransformInput, writeTransformOutput } from "@/server/services/batch/transform-dataset";
import { assertTransformable, transformLayout } from "@/server/services/batch/transform-plan";

/** SageMaker failed the transform job: the batch job fails with its reason (never retried: the job has ended). */
export class TransformJobFailed extends BatchInputError {
  override name = "TransformJobFailed";
}

/** How often a running transform's batch job is read for a cancel: SageMaker's poll interval, within bounds. */
const cancelPollMs = (deps: TransformJobDeps) => Math.max(100, Math.min(deps.config.pollMs, 5_000));

function transformDeps(rt: BatchRuntime): TransformJobDeps {
  if (!rt.sageMaker) throw new BatchInputError("SageMaker is not configured on this worker (MODELPORT_SAGEMAKER_*)");
  try {
    return rt.sageMaker();
  } catch (error) {
    throw new BatchInputError(`SageMaker is not configured on this worker: ${errorMessage(error)}`);
  }
}

/**
 * A batch job runs one transform job at a time, named after it; a resumed job (cancelled or failed before) needs a
 * new one, since SageMaker never reuses a name: run 0 is named after the job's id, run n after `<id>-r<n>`.
 */
const runId = (jobId: string, run: number) => (run === 0 ? jobId : `${jobId}-r${run}`);

function runOf(job: LoadedJob, name: string): number {
  for (let run = 0; run <= job.attempts + 1; run++) if (transformJobName(runId(job.id, run)) === name) return run;
  throw new Error(`Batch job ${job.id}: ${name} is not one of its transform jobs`);
}

function transformSpec(job: LoadedJob, run: number, deps: TransformJobDeps, signature: Signature, layout: Filters) {
  const artifact = job.version.artifact;
  if (!artifact) throw new BatchInputError(`Version ${job.version.version} has no model file`);
  const base = `${deps.config.modelDataS3Prefix}/batch/${job.id}`;
  return {
    batchJobId: runId(job.id, run),
    variant: {
      variantName: "batch",
      modelName: job.version.model.name,
      version: job.version.version,
      format: "ONNX",
      // As for an endpoint: not an s3:// URI, so the artifact is uploaded from the store under the model data prefix.
      artifactUri: `artifacts/${artifact.sha256}/model`,
      artifactSha256: artifact.sha256,
      artifactFileName: path.posix.basename(artifact.path),
      signature,
      weight: 100,
    },
    inputS3Uri: `${base}/input/${path.posix.basename(job.input.path)}`,
    outputS3Uri: `${base}/output/run-${run}`,
    contentType: "text/csv",
    instanceType: deps.config.defaultInstanceType,
    // One object is one instance's work: more instances would idle.
    instanceCount: 1,
    maxPayloadInMB: DEFAULT_MAX_PAYLOAD_MB,
    inputFilter: layout.inputFilter,
    outputFilter: layout.outputFilter,
  } satisfies TransformSpec;
}
type Filters = { inputFilter: string; outputFilter: string };

/** Fenced: only the worker holding the job names its transform job. */
async function recordName(rt: BatchRuntime, lease: Lease, jobId: string, jobName: string) {
  await rt.db.$transaction(async (tx) => {
    await lease.fence(tx);
    await tx.batchJob.update({ where: { id: jobId }, data: { externalJobName: jobName } });
  });
}

async function recordState(rt: BatchRuntime, lease: Lease, jobId: string, state: TransformJobState) {
  log().info(`[batch] job ${jobId}: SageMaker transform job ${state.jobName} is ${state.status}`);
  await rt.db.$transaction(async (tx) => {
    await lease.fence(tx);
    // Stopped from outside Modelport (the console, the CLI): the job is being cancelled all the same.
    if (state.status === "Stopping" || state.status === "Stopped")
      await tx.batchJob.updateMany({ where: { id: jobId, status: "RUNNING" }, data: { status: "CANCELLING" } });
  });
}

/**
 * Waits for the transform job to end, recording each state it passes through; meanwhile the batch job's row is read
 * for a cancel, which stops the transform (the wait then ends with Stopped). The wait stops early, with LeaseLost, once
 * this worker no longer holds the job.
 */
async function awaitTransform(
  rt: BatchRuntime,
  lease: Lease,
  deps: TransformJobDeps,
  jobId: string,
  jobName: string,
): Promise<TransformJobState> {
  const done = new AbortController();
  const signal = AbortSignal.any([lease.signal, done.signal]);
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
    done.abort(error);
  };
  const watcher = (async () => {
    let stopping = false;
    try {
      while (!signal.aborted) {
        const row = await rt.db.batchJob.findUnique({ where: { id: jobId }, select: { status: true } });
        if (row?.status === "CANCELLING" && !stopping) {
          stopping = true;
          await stopTransformJob(deps, jobName);
        }
        await sleep(cancelPollMs(deps), signal);
      }
    } catch (error) {
      if (!signal.aborted) fail(error);
    }
  })();
  const updates: Promise<void>[] = [];
  try {
    const state = await waitForTransformJob(deps, jobName, {
      signal,
      onState: (state) => updates.push(recordState(rt, lease, jobId, state).catch(fail)),
    });
    await Promise.all(updates);
    if (failure) throw failure;
    return state;
  } finally {
    done.abort();
    await watcher;
  }
}

async function startTransform(deps: TransformJobDeps, spec: TransformSpec) {
  try {
    await startTransformJob(deps, spec);
  } catch (error) {
    if (error instanceof PermanentTargetError) throw new BatchInputError(error.message);
    throw error;
  }
}

/**
 * Scores the job's dataset as a SageMaker batch transform job: the rows go up to S3 (key and input cells only), the
 * transform is started under a name derived from the job (so a worker that took over finds and waits for the one
 * already running, never starting a second), then waited for; its output is joined back into the job's output in the
 * local runtime's layout. A cancel stops the transform and ends once it is Stopped; a Failed transform fails the job
 * with SageMaker's reason.
 */
export async function runTransformJob(
  rt: BatchRuntime,
  lease: Lease,
  job: LoadedJob,
): Promise<"SUCCEEDED" | "CANCELLED"> {
  const deps = transformDeps(rt);
  const signature = signatureSchema.parse(job.version.signature);
  const header = await readHeader(rt.artifacts, job.input.sha256, Number(job.inputBytes));
  const columns = planColumns(header.fields, job.keyColumns, signature);
  assertTransformable(deps.config, columns);
  const layout = transformLayout(columns);
  const dataset = { sha256: job.input.sha256, inputBytes: Number(job.inputBytes), dataStart: header.endOffset };

  let run = job.externalJobName ? runOf(job, job.externalJobName) : 0;
  let existing = job.externalJobName ? await deps.api.describeTransformJob(job.externalJobName) : undefined;
  const ended = existing?.TransformJobStatus === "Failed" || existing?.TransformJobStatus === "Stopped";
  if (existing && ended && job.status === "QUEUED") {
    run++;
    existing = undefined;
  }
  const spec = transformSpec(job, run, deps, signature, layout);
  const jobName = transformJobName(spec.batchJobId);
  let outputUri: string | undefined = transformOutputUri(spec);
  if (!existing) {
    if (job.status === "CANCELLING") return "CANCELLED";
    // Named before it is started: a worker that dies in between leaves a name its successor describes, never a job
    // nobody knows of.
    if (jobName !== job.externalJobName) await recordName(rt, lease, job.id, jobName);
    const target = { uri: spec.inputS3Uri, maxPayloadInMB: spec.maxPayloadInMB };
    const sent = await uploadTransformInput(rt.artifacts, deps.s3, deps.config, job, dataset, columns, layout, target);
    if (sent > 0) await startTransform(deps, spec);
    else outputUri = undefined;
  }
  if (outputUri) {
    const state = await awaitTransform(rt, lease, deps, job.id, jobName);
    if (state.status === "Failed")
      throw new TransformJobFailed(
        `SageMaker transform job ${jobName} failed: ${state.failureReason ?? "SageMaker gave no reason"}`,
      );
    if (state.status === "Stopped") return "CANCELLED";
  }
  const output = await writeTransformOutput(rt.artifacts, deps.s3, job, dataset, columns, outputUri);
  await recordOutput(rt, lease, job, output.blob, {
    rowsDone: output.rows,
    rowsFailed: output.failed,
    errorSamples: output.samples,
    bytesDone: job.inputBytes,
  });
  return "SUCCEEDED";
}
