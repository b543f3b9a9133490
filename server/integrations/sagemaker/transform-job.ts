import type { S3Client } from "@aws-sdk/client-s3";
import type { DescribeTransformJobCommandOutput } from "@aws-sdk/client-sagemaker";
import { conflict, notFound } from "@/server/errors";
import { SageMakerApi } from "@/server/integrations/sagemaker/api";
import {
  parseSageMakerConfig,
  type SageMakerConfig,
  type SageMakerConfigInput,
} from "@/server/integrations/sagemaker/config";
import { ensureModel } from "@/server/integrations/sagemaker/ensure-model";
import { SageMakerRequestError } from "@/server/integrations/sagemaker/errors";
import { ModelArtifacts, createS3Client } from "@/server/integrations/sagemaker/model-artifacts";
import { modelDataPlan } from "@/server/integrations/sagemaker/model-definition";
import { createSageMakerClient, type SageMakerTargetOptions } from "@/server/integrations/sagemaker/sagemaker-target";
import { abortReason, sleep } from "@/server/integrations/sagemaker/timing";
import { readCsvHeader, stageHeaderlessInput } from "@/server/integrations/sagemaker/transform-input";
import {
  assertFiltersFit,
  assertValidTransformSpec,
  createTransformJobInput,
  stagedInputUri,
  transformModelInput,
  transformOutputColumns,
  transformOutputUri,
  type TransformSpec,
} from "@/server/integrations/sagemaker/transform-spec";

/** What the transform calls need: the SageMaker calls, S3 (input staging, artifact upload) and the configuration. */
export type TransformJobDeps = {
  api: SageMakerApi;
  s3: S3Client;
  artifacts: ModelArtifacts;
  config: SageMakerConfig;
};

/** Built as SageMakerTarget builds its own: real clients from the config unless given, artifacts read from `artifacts`. */
export function createTransformJobDeps(
  config: SageMakerConfig | SageMakerConfigInput,
  options: SageMakerTargetOptions = {},
): TransformJobDeps {
  const parsed = parseSageMakerConfig(config);
  const s3 = options.s3 ?? createS3Client(parsed);
  return {
    api: new SageMakerApi(options.sagemaker ?? createSageMakerClient(parsed), parsed.retry),
    s3,
    artifacts: new ModelArtifacts(s3, options.artifacts, parsed),
    config: parsed,
  };
}

export type TransformJobStatus = "InProgress" | "Completed" | "Failed" | "Stopping" | "Stopped";

export type TransformJobState = {
  jobName: string;
  arn: string;
  status: TransformJobStatus;
  /** Why SageMaker failed the job, in its words. */
  failureReason?: string;
  modelName?: string;
  createdAt?: Date;
  startedAt?: Date;
  endedAt?: Date;
  /** The output object (`<S3OutputPath>/<input file name>.out`); written only when the job completes. */
  outputUri?: string;
};

export type StartedTransformJob = {
  jobName: string;
  arn: string;
  /** Where the joined output will be once the job completes. */
  outputUri: string;
  /** The output's columns by name (its lines carry no header): the header's, filtered, and the predictions'. */
  outputColumns: string[];
};

const TERMINAL = new Set<TransformJobStatus>(["Completed", "Failed", "Stopped"]);
export const isTerminal = (status: TransformJobStatus) => TERMINAL.has(status);

function toState(jobName: string, job: DescribeTransformJobCommandOutput): TransformJobState {
  const input = job.TransformInput?.DataSource?.S3DataSource?.S3Uri;
  const output = job.TransformOutput?.S3OutputPath;
  return {
    jobName,
    arn: job.TransformJobArn ?? "",
    status: (job.TransformJobStatus ?? "InProgress") as TransformJobStatus,
    ...(job.FailureReason && { failureReason: job.FailureReason }),
    ...(job.ModelName && { modelName: job.ModelName }),
    ...(job.CreationTime && { createdAt: job.CreationTime }),
    ...(job.TransformStartTime && { startedAt: job.TransformStartTime }),
    ...(job.TransformEndTime && { endedAt: job.TransformEndTime }),
    ...(input && output && { outputUri: transformOutputUri({ inputS3Uri: input, outputS3Uri: output }) }),
  };
}

/**
 * Starts the batch job's transform job, or finds the one an earlier attempt started: the job's name derives from the
 * batch job's id and SageMaker refuses a second job of that name (ResourceInUse), so a retried worker describes and
 * returns it. Before creating: the spec is checked, the version's Model is made sure of (artifact uploaded, Model
 * created or reused exactly as for an endpoint), and the input is staged without its header row.
 */
export async function startTransformJob(deps: TransformJobDeps, spec: TransformSpec): Promise<StartedTransformJob> {
  assertValidTransformSpec(spec);
  const model = transformModelInput(spec, deps.config);
  const header = await readCsvHeader(deps.s3, deps.config, spec.inputS3Uri);
  assertFiltersFit(spec, header.columns);
  const request = createTransformJobInput(spec, model.ModelName, deps.config);
  const jobName = request.TransformJobName;
  const started = (job: DescribeTransformJobCommandOutput): StartedTransformJob => {
    if (job.ModelName !== model.ModelName)
      throw conflict(
        `SageMaker transform job ${jobName} already exists and runs model ${job.ModelName ?? "?"}, not ${model.ModelName}`,
      );
    return {
      jobName,
      arn: job.TransformJobArn ?? "",
      outputUri: transformOutputUri(spec),
      outputColumns: transformOutputColumns(spec, header.columns),
    };
  };
  const existing = await deps.api.describeTransformJob(jobName);
  if (existing) return started(existing);

  const upload = modelDataPlan(spec.variant, deps.config).upload;
  if (upload) await deps.artifacts.ensureUploaded(upload);
  await ensureModel(deps.api, model);
  await stageHeaderlessInput(deps.s3, deps.config, spec.inputS3Uri, stagedInputUri(spec), header);
  try {
    await deps.api.createTransformJob(
      request,
      async () => (await deps.api.describeTransformJob(jobName)) !== undefined,
    );
  } catch (error) {
    if (!(error instanceof SageMakerRequestError && error.awsErrorName === "ResourceInUse")) throw error;
  }
  const job = await deps.api.describeTransformJob(jobName);
  if (!job) throw conflict(`SageMaker transform job ${jobName} was created but cannot be described; start it again`);
  return started(job);
}

export async function describeTransformJob(deps: TransformJobDeps, jobName: string): Promise<TransformJobState> {
  const job = await deps.api.describeTransformJob(jobName);
  if (!job) throw notFound(`SageMaker transform job ${jobName}`);
  return toState(jobName, job);
}

/**
 * Asks SageMaker to stop the job (Stopping, then Stopped; a stopped job writes no output). A job already finished or
 * stopping is left as it is, and so is one that finishes while the request is on its way.
 */
export async function stopTransformJob(deps: TransformJobDeps, jobName: string): Promise<void> {
  const settled = async () => {
    const job = await describeTransformJob(deps, jobName);
    return job.status !== "InProgress";
  };
  if (await settled()) return;
  try {
    await deps.api.stopTransformJob(jobName, settled);
  } catch (error) {
    if (!(error instanceof SageMakerRequestError && error.awsErrorName === "ValidationException") || !(await settled()))
      throw error;
  }
}

const POLL_GROWTH = 1.5;
const MAX_POLL_FACTOR = 4;

export type WaitOptions = {
  /** Aborting stops the polling (not the job: stopTransformJob does that) and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called with the first state and whenever the status or failure reason changes. */
  onState?: (state: TransformJobState) => void;
  /** Between DescribeTransformJob calls, growing 1.5× to at most 4× (default: the config's pollMs). */
  pollMs?: number;
};

/** Describes the job until it is Completed, Failed or Stopped, and answers that state. */
export async function waitForTransformJob(
  deps: TransformJobDeps,
  jobName: string,
  options: WaitOptions = {},
): Promise<TransformJobState> {
  const pollMs = options.pollMs ?? deps.config.pollMs;
  let last: string | undefined;
  for (let delay = pollMs; ; delay = Math.min(delay * POLL_GROWTH, pollMs * MAX_POLL_FACTOR)) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    const state = await describeTransformJob(deps, jobName);
    const seen = `${state.status}\u0000${state.failureReason ?? ""}`;
    if (seen !== last) options.onState?.(state);
    last = seen;
    if (isTerminal(state.status)) return state;
    await sleep(delay, options.signal);
  }
}
