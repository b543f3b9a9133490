import { asyncServingSchema, SAGEMAKER_ASYNC_LIMITS } from "@/contracts/async-serving";
import type { Lease } from "@/server/db/row-lease";
import type { Db } from "@/server/db/client";
import type { AsyncLocations, SageMakerAsyncInvoker } from "@/server/integrations/sagemaker/async-invoker";
import { PermanentTargetError, SageMakerRequestError, isThrottlingError } from "@/server/integrations/sagemaker/errors";
import type { ArtifactStore } from "@/server/services/artifacts/artifact-store";
import {
  AsyncInputError,
  AsyncRuntimeError,
  type ScoredPayload,
} from "@/server/services/async-inference/score-payload";
import type { Clock } from "@/server/services/context";

/** What scoring on SageMaker needs: the invoker (from MODELPORT_SAGEMAKER_*). */
export type SageMakerAsync = { invoker: SageMakerAsyncInvoker };

export type SageMakerInvocation = {
  id: string;
  contentType: string;
  inputSha256: string;
  inputBytes: bigint;
  createdAt: Date;
  remoteSubmittedAt: Date | null;
  remoteOutputLocation: string | null;
  remoteFailureLocation: string | null;
  endpoint: {
    name: string;
    asyncServing: unknown;
    variants: { variantName: string; version: { version: number } }[];
  };
};

type Deps = { db: Db; artifacts: ArtifactStore; clock: Clock; sageMaker?: () => SageMakerAsync };

/** Still queued or running on SageMaker: the job ends, and the sweep looks again within a minute. */
export const STILL_ON_SAGEMAKER = "STILL_ON_SAGEMAKER";

/**
 * Scores an invocation on an asynchronous SageMaker endpoint, one look per run so no worker slot waits for hours:
 * queued there once (InvokeEndpointAsync, the payload staged to S3), its output and failure objects looked at, and the
 * answer copied into the artifact store once it is there. A failure object is the payload's fault (SageMaker's
 * container refused it): the invocation fails with its text. Past the request's time to live plus its processing
 * timeout it fails too.
 */
export async function scoreOnSageMaker(
  deps: Deps,
  lease: Lease,
  row: SageMakerInvocation,
): Promise<ScoredPayload | typeof STILL_ON_SAGEMAKER> {
  const sageMaker = deps.sageMaker?.();
  if (!sageMaker) throw new AsyncRuntimeError("SageMaker is not configured on this worker (MODELPORT_SAGEMAKER_*)");
  const locations = await queuedOnce(deps, sageMaker, lease, row);
  const outcome = await sageMaker.invoker.outcome(locations);
  if (outcome.state === "failed") throw new AsyncInputError(outcome.reason);
  if (outcome.state === "succeeded") return copyAnswer(deps, sageMaker, row, outcome.outputLocation);
  const giveUpAt =
    row.createdAt.getTime() +
    (SAGEMAKER_ASYNC_LIMITS.maxRequestTtlSeconds + SAGEMAKER_ASYNC_LIMITS.maxInvocationTimeoutSeconds) * 1000;
  if (deps.clock().getTime() > giveUpAt)
    throw new AsyncInputError(`SageMaker wrote neither an answer nor a failure to ${locations.outputLocation} in time`);
  return STILL_ON_SAGEMAKER;
}

/**
 * The request is sent at most once: a fenced mark is committed before InvokeEndpointAsync, and its locations after. A
 * run that finds the mark without locations, or a call that failed after SageMaker may have taken it (a 5xx, a
 * dropped connection), fails the invocation rather than queue the payload a second time; a throttled call (never
 * carried out) clears the mark and is retried.
 */
async function queuedOnce(
  deps: Deps,
  sageMaker: SageMakerAsync,
  lease: Lease,
  row: SageMakerInvocation,
): Promise<Pick<AsyncLocations, "outputLocation" | "failureLocation">> {
  if (row.remoteOutputLocation && row.remoteFailureLocation)
    return { outputLocation: row.remoteOutputLocation, failureLocation: row.remoteFailureLocation };
  if (row.remoteSubmittedAt) throw new AsyncInputError(mayBeQueued(row.endpoint.name));
  const serving = asyncServingSchema.safeParse(row.endpoint.asyncServing);
  if (!serving.success)
    throw new AsyncInputError(`${row.endpoint.name} no longer serves asynchronously on SageMaker: send it again`);
  const request = {
    endpointName: row.endpoint.name,
    inferenceId: row.id,
    contentType: row.contentType,
    payload: { sha256: row.inputSha256, bytes: Number(row.inputBytes) },
    invocationTimeoutSeconds: serving.data.invocationTimeoutSeconds,
  };
  const inputLocation = await sageMaker.invoker.stage(request).catch(refusedBeforeSending);
  await record(deps, lease, row.id, { remoteSubmittedAt: deps.clock() });
  const locations = await sageMaker.invoker.queue(request, inputLocation).catch(async (error: unknown) => {
    if (isRefusal(error)) throw new AsyncInputError(error.message);
    if (!(error instanceof SageMakerRequestError && isThrottlingError(error.cause)))
      throw new AsyncInputError(`${mayBeQueued(row.endpoint.name)} (${String(error)})`);
    await record(deps, lease, row.id, { remoteSubmittedAt: null });
    throw error;
  });
  await record(deps, lease, row.id, {
    remoteOutputLocation: locations.outputLocation,
    remoteFailureLocation: locations.failureLocation,
  });
  return locations;
}

const mayBeQueued = (endpointName: string) =>
  `The payload was sent to SageMaker endpoint ${endpointName} but where its answer goes was not recorded; it may still run there. Send it again`;

/** SageMaker said no (a 4xx other than throttling: the endpoint is not asynchronous, say): nothing was queued. */
function isRefusal(error: unknown): error is SageMakerRequestError {
  const status = error instanceof SageMakerRequestError ? error.httpStatus : undefined;
  return (
    error instanceof SageMakerRequestError &&
    status !== undefined &&
    status >= 400 &&
    status < 500 &&
    !isThrottlingError(error.cause)
  );
}

/** A payload that breaks SageMaker's limits fails now; S3 unavailable is retried. */
function refusedBeforeSending(error: unknown): never {
  if (error instanceof PermanentTargetError) throw new AsyncInputError(error.message);
  throw error;
}

async function record(
  deps: Deps,
  lease: Lease,
  id: string,
  data: { remoteSubmittedAt?: Date | null; remoteOutputLocation?: string; remoteFailureLocation?: string },
) {
  await deps.db.$transaction(async (tx) => {
    await lease.fence(tx);
    await tx.asyncInvocation.update({ where: { id }, data });
  });
}

async function copyAnswer(
  deps: Deps,
  sageMaker: SageMakerAsync,
  row: SageMakerInvocation,
  outputLocation: string,
): Promise<ScoredPayload> {
  const counter = lineCounter();
  const output = await deps.artifacts.put((await sageMaker.invoker.open(outputLocation)).pipeThrough(counter.stream), {
    maxBytes: SAGEMAKER_ASYNC_LIMITS.maxPayloadBytes * 4,
  });
  const rows = counter.lines();
  const variant = row.endpoint.variants[0];
  return {
    output,
    rows,
    served: [{ rows, variant: variant?.variantName ?? "primary", modelVersion: variant?.version.version ?? null }],
  };
}

/** Counts the answer's lines as they pass (one per record; a last line without its newline counts too). */
function lineCounter() {
  let lines = 0;
  let last = 0x0a;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      for (const byte of chunk) if (byte === 0x0a) lines++;
      last = chunk.at(-1) ?? last;
      controller.enqueue(chunk);
    },
  });
  return { stream, lines: () => lines + (last === 0x0a ? 0 : 1) };
}
