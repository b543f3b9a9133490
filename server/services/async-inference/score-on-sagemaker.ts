import { asyncServingSchema, SAGEMAKER_ASYNC_LIMITS } from "@/contracts/async-serving";
import { chunksOf } from "@/lib/web-streams";
import type { Lease } from "@/server/db/row-lease";
import type { Db } from "@/server/db/client";
import type { AsyncLocations, SageMakerAsyncInvoker } from "@/server/integrations/sagemaker/async-invoker";
import {
  PermanentTargetError,
  SageMakerRequestError,
  isRetryableAwsError,
} from "@/server/integrations/sagemaker/errors";
import type { ArtifactStore } from "@/server/services/artifacts/artifact-store";
import {
  AsyncInputError,
  AsyncRuntimeError,
  type ScoredPayload,
} from "@/server/services/async-inference/score-payload";

/** What scoring on SageMaker needs: the invoker (from MODELPORT_SAGEMAKER_*) and how often to look for the answer. */
export type SageMakerAsync = { invoker: SageMakerAsyncInvoker; pollMs: number };

export type SageMakerInvocation = {
  id: string;
  contentType: string;
  inputSha256: string;
  inputBytes: bigint;
  remoteOutputLocation: string | null;
  remoteFailureLocation: string | null;
  endpoint: {
    name: string;
    asyncServing: unknown;
    variants: { variantName: string; version: { version: number } }[];
  };
};

type Deps = {
  db: Db;
  artifacts: ArtifactStore;
  sleep: (ms: number) => Promise<void>;
  sageMaker?: () => SageMakerAsync;
};

/**
 * SageMaker refusing the request itself (a 4xx other than throttling: the endpoint is not asynchronous, the payload
 * breaks a limit) fails the invocation now; anything else (5xx, throttling past the retries, S3 down) is retried.
 */
function refusedForGood(error: unknown): never {
  if (error instanceof PermanentTargetError) throw new AsyncInputError(error.message);
  if (!(error instanceof SageMakerRequestError)) throw error;
  const status = error.httpStatus;
  if (status !== undefined && status >= 400 && status < 500 && !isRetryableAwsError(error.cause))
    throw new AsyncInputError(error.message);
  throw error;
}

/** Queued on SageMaker once: the locations are committed (fenced) before anything can retry. */
async function submitted(deps: Deps, sageMaker: SageMakerAsync, lease: Lease, row: SageMakerInvocation) {
  if (row.remoteOutputLocation && row.remoteFailureLocation)
    return { outputLocation: row.remoteOutputLocation, failureLocation: row.remoteFailureLocation };
  const serving = asyncServingSchema.nullable().parse(row.endpoint.asyncServing);
  if (!serving)
    throw new AsyncInputError(`${row.endpoint.name} no longer serves asynchronously on SageMaker: send it again`);
  const locations: AsyncLocations = await sageMaker.invoker
    .submit({
      endpointName: row.endpoint.name,
      inferenceId: row.id,
      contentType: row.contentType,
      payload: { sha256: row.inputSha256, bytes: Number(row.inputBytes) },
      invocationTimeoutSeconds: serving.invocationTimeoutSeconds,
    })
    .catch(refusedForGood);
  await deps.db.$transaction(async (tx) => {
    await lease.fence(tx);
    await tx.asyncInvocation.update({
      where: { id: row.id },
      data: { remoteOutputLocation: locations.outputLocation, remoteFailureLocation: locations.failureLocation },
    });
  });
  return locations;
}

/**
 * Scores an invocation on an asynchronous SageMaker endpoint: queued there once (InvokeEndpointAsync, the payload
 * staged to S3), then its output and failure objects are looked for until one appears — for at most the request's
 * time to live plus its processing timeout — and the answer is copied into the artifact store. A failure object is the
 * payload's fault (SageMaker's container refused it): the invocation fails with its text, never retried.
 */
export async function scoreOnSageMaker(deps: Deps, lease: Lease, row: SageMakerInvocation): Promise<ScoredPayload> {
  const sageMaker = deps.sageMaker?.();
  if (!sageMaker) throw new AsyncRuntimeError("SageMaker is not configured on this worker (MODELPORT_SAGEMAKER_*)");
  const locations = await submitted(deps, sageMaker, lease, row);
  const giveUpAt =
    Date.now() +
    (SAGEMAKER_ASYNC_LIMITS.maxRequestTtlSeconds + SAGEMAKER_ASYNC_LIMITS.maxInvocationTimeoutSeconds) * 1000;
  for (;;) {
    const outcome = await sageMaker.invoker.outcome(locations);
    if (outcome.state === "failed") throw new AsyncInputError(outcome.reason);
    if (outcome.state === "succeeded") return copyAnswer(deps, sageMaker, row, outcome.outputLocation);
    if (Date.now() > giveUpAt)
      throw new AsyncInputError(
        `SageMaker wrote neither an answer nor a failure to ${locations.outputLocation} in time`,
      );
    await lease.fence();
    await deps.sleep(sageMaker.pollMs);
  }
}

async function copyAnswer(
  deps: Deps,
  sageMaker: SageMakerAsync,
  row: SageMakerInvocation,
  outputLocation: string,
): Promise<ScoredPayload> {
  const [answer, counted] = (await sageMaker.invoker.open(outputLocation)).tee();
  const [output, rows] = await Promise.all([
    deps.artifacts.put(answer, { maxBytes: SAGEMAKER_ASYNC_LIMITS.maxPayloadBytes * 4 }),
    countLines(counted),
  ]);
  const variant = row.endpoint.variants[0];
  return {
    output,
    rows,
    served: [{ rows, variant: variant?.variantName ?? "primary", modelVersion: variant?.version.version ?? null }],
  };
}

/** The answer's lines (one per record: the container answers numbers, one line each), counted as they stream. */
async function countLines(stream: ReadableStream<Uint8Array>): Promise<number> {
  let lines = 0;
  for await (const chunk of chunksOf(stream)) for (const byte of chunk) if (byte === 0x0a) lines++;
  return lines;
}
