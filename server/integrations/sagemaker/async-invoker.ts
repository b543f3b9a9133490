import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { InvokeEndpointAsyncCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { SAGEMAKER_ASYNC_LIMITS } from "@/contracts/async-serving";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import { permanent, s3RequestError } from "@/server/integrations/sagemaker/errors";
import {
  createS3Client,
  isMissingObject,
  parseS3Uri,
  type ArtifactSource,
  ModelArtifacts,
} from "@/server/integrations/sagemaker/model-artifacts";
import { callWithRetry, sendUnlessCarriedOut } from "@/server/integrations/sagemaker/retry";

/** SageMaker's InferenceId is at most 64 characters. */
const MAX_INFERENCE_ID = 64;
/** The start of a failure object is enough to say why; the rest stays in S3. */
const FAILURE_PREVIEW_BYTES = 4096;

/** The real SageMaker Runtime client for a config (retries are ours). */
export function createSageMakerRuntimeClient(config: SageMakerConfig): SageMakerRuntimeClient {
  return new SageMakerRuntimeClient({
    region: config.region,
    maxAttempts: 1,
    ...(config.runtimeEndpointUrl && { endpoint: config.runtimeEndpointUrl }),
  });
}

/** The invoker with the real clients a config names. */
export function createSageMakerAsyncInvoker(config: SageMakerConfig, source: ArtifactSource): SageMakerAsyncInvoker {
  return new SageMakerAsyncInvoker(createSageMakerRuntimeClient(config), createS3Client(config), source, config);
}

/** Where one asynchronous request is: its input, and where SageMaker writes its answer or its failure. */
export type AsyncLocations = { inputLocation: string; outputLocation: string; failureLocation: string };

/** What SageMaker made of one queued request so far (not an invocation's outcome in the portal). */
export type RemoteOutcome =
  | { state: "pending" }
  | { state: "succeeded"; outputLocation: string; bytes: number }
  | { state: "failed"; reason: string };

export type AsyncSubmission = {
  endpointName: string;
  /** Ours (the invocation's id): SageMaker echoes it, and the input object is named by the payload's sha256. */
  inferenceId: string;
  contentType: string;
  payload: { sha256: string; bytes: number };
  invocationTimeoutSeconds: number;
  requestTtlSeconds?: number;
};

/**
 * Asynchronous invocations of a SageMaker endpoint: the payload goes to S3 (from the portal's artifact store, under
 * {asyncS3Prefix}/{EndpointName}/input/{sha256}, skipped when already there), then `InvokeEndpointAsync` queues it
 * and names where the answer or the failure will appear; `outcome` reads those two objects (HeadObject: no SNS).
 * Submitting twice queues twice (SageMaker does not de-duplicate by InferenceId), so only a throttled call is sent
 * again, and the caller records the locations before anything can retry.
 */
export class SageMakerAsyncInvoker {
  private readonly staging: ModelArtifacts;

  constructor(
    private readonly runtime: SageMakerRuntimeClient,
    private readonly s3: S3Client,
    source: ArtifactSource,
    private readonly config: SageMakerConfig,
  ) {
    this.staging = new ModelArtifacts(s3, source, config);
  }

  inputLocation(endpointName: string, sha256: string): string {
    return `${this.config.asyncS3Prefix}/${endpointName}/input/${sha256}`;
  }

  /** The payload on S3 where InvokeEndpointAsync reads it (checked against SageMaker's limits first). */
  async stage(request: AsyncSubmission): Promise<string> {
    assertSubmittable(request);
    const inputLocation = this.inputLocation(request.endpointName, request.payload.sha256);
    await this.staging.ensureUploaded({ sha256: request.payload.sha256, uri: inputLocation });
    return inputLocation;
  }

  /** Queues one request on the endpoint: every call that SageMaker carries out queues one more. */
  async queue(request: AsyncSubmission, inputLocation: string): Promise<AsyncLocations> {
    assertSubmittable(request);
    const answer = await sendUnlessCarriedOut("InvokeEndpointAsync", this.config.retry, () =>
      this.runtime.send(
        new InvokeEndpointAsyncCommand({
          EndpointName: request.endpointName,
          InputLocation: inputLocation,
          ContentType: request.contentType,
          InferenceId: request.inferenceId,
          InvocationTimeoutSeconds: request.invocationTimeoutSeconds,
          RequestTTLSeconds: request.requestTtlSeconds ?? SAGEMAKER_ASYNC_LIMITS.maxRequestTtlSeconds,
        }),
      ),
    );
    if (!answer.OutputLocation || !answer.FailureLocation)
      throw new Error(`InvokeEndpointAsync on ${request.endpointName} answered without an output or failure location`);
    return { inputLocation, outputLocation: answer.OutputLocation, failureLocation: answer.FailureLocation };
  }

  async submit(request: AsyncSubmission): Promise<AsyncLocations> {
    return this.queue(request, await this.stage(request));
  }

  /** The answer when it is there, the failure's reason when that is, else still pending. */
  async outcome(locations: Pick<AsyncLocations, "outputLocation" | "failureLocation">): Promise<RemoteOutcome> {
    const output = await this.size(locations.outputLocation);
    if (output !== undefined) return { state: "succeeded", outputLocation: locations.outputLocation, bytes: output };
    if ((await this.size(locations.failureLocation)) === undefined) return { state: "pending" };
    return { state: "failed", reason: await this.preview(locations.failureLocation) };
  }

  /** The answer's bytes, streamed from S3. */
  async open(outputLocation: string): Promise<ReadableStream<Uint8Array>> {
    const answer = await this.call("GetObject", outputLocation, () =>
      this.s3.send(new GetObjectCommand(parseS3Uri(outputLocation))),
    );
    if (!answer.Body) throw new Error(`${outputLocation} has no body`);
    return answer.Body.transformToWebStream();
  }

  private async size(uri: string): Promise<number | undefined> {
    return this.call("HeadObject", uri, () =>
      this.s3.send(new HeadObjectCommand(parseS3Uri(uri))).then(
        (head) => head.ContentLength ?? 0,
        (error: unknown) => {
          if (isMissingObject(error)) return undefined;
          throw error;
        },
      ),
    );
  }

  private async preview(uri: string): Promise<string> {
    const answer = await this.call("GetObject", uri, () =>
      this.s3.send(new GetObjectCommand({ ...parseS3Uri(uri), Range: `bytes=0-${FAILURE_PREVIEW_BYTES - 1}` })),
    );
    const text = (await answer.Body?.transformToString("utf8")) ?? "";
    return `SageMaker could not score the request: ${text.trim() || "(the failure object is empty)"}`;
  }

  private call<T>(operation: string, uri: string, send: () => Promise<T>): Promise<T> {
    return callWithRetry(operation, this.config.retry, send, (error, attempts) =>
      s3RequestError(operation, uri, error, attempts),
    );
  }
}

function assertSubmittable(request: AsyncSubmission): void {
  if (request.inferenceId.length === 0 || request.inferenceId.length > MAX_INFERENCE_ID)
    throw permanent(`An inference id has 1–${MAX_INFERENCE_ID} characters (got ${request.inferenceId.length})`);
  if (request.payload.bytes > SAGEMAKER_ASYNC_LIMITS.maxPayloadBytes)
    throw permanent(
      `SageMaker takes asynchronous payloads up to 1 GB; this one has ${request.payload.bytes.toLocaleString("en-US")} bytes`,
    );
  const { invocationTimeoutSeconds: timeout, requestTtlSeconds: ttl } = request;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > SAGEMAKER_ASYNC_LIMITS.maxInvocationTimeoutSeconds)
    throw permanent(`InvocationTimeoutSeconds must be 1–3600 (got ${timeout})`);
  if (
    ttl !== undefined &&
    (!Number.isInteger(ttl) ||
      ttl < SAGEMAKER_ASYNC_LIMITS.minRequestTtlSeconds ||
      ttl > SAGEMAKER_ASYNC_LIMITS.maxRequestTtlSeconds)
  )
    throw permanent(`RequestTTLSeconds must be 60–21600 (got ${ttl})`);
}
