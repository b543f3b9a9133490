import { ACTIVE_ASYNC_STATUSES } from "@/contracts/async-invocations";
import { CsvSyntaxError } from "@/lib/csv/csv-byte-records";
import { errorMessage } from "@/lib/error-message";
import type { Db } from "@/server/db/client";
import { acquireRowLease, LeaseLost, type Lease, type LeaseSettings } from "@/server/db/row-lease";
import { AppError } from "@/server/errors";
import type { LocalRuntimeClient } from "@/server/integrations/local-runtime/client";
import type { ArtifactStore } from "@/server/services/artifacts/artifact-store";
import { jsonRows } from "@/server/services/async-inference/payload";
import {
  AsyncInputError,
  scoreCsvRecords,
  scoreJsonRows,
  type ScoredPayload,
  type ScoringDeps,
} from "@/server/services/async-inference/score-payload";
import type { Clock } from "@/server/services/context";
import { chunksOf } from "@/lib/web-streams";
import {
  STILL_ON_SAGEMAKER,
  scoreOnSageMaker,
  type SageMakerAsync,
} from "@/server/services/async-inference/score-on-sagemaker";

/** What scoring an invocation needs: the database, the store, the local runtime and a lease per invocation. */
export type AsyncRuntime = {
  db: Db;
  artifacts: ArtifactStore;
  runtime: LocalRuntimeClient;
  clock: Clock;
  lease: LeaseSettings;
  sleep: (ms: number) => Promise<void>;
  /** Queues the webhook delivery of a finished invocation (after its outcome is committed). */
  deliver: (invocationId: string) => Promise<unknown>;
  /** Asynchronous SageMaker endpoints' invoker, built when first needed (absent: such invocations wait and fail). */
  sageMaker?: () => SageMakerAsync;
};

/** WAITING: queued on SageMaker, no answer yet; the sweep queues the invocation again within a minute. */
export type AsyncOutcome = "NOTHING_TO_DO" | "SUCCEEDED" | "FAILED" | "SUPERSEDED" | "WAITING";

/**
 * Runs that may start on one invocation. A run that dies with its worker (a payload that exhausts memory, say) counts
 * too, so a payload that kills every worker it reaches fails instead of being taken over for ever.
 */
export const MAX_RUNS = 8;

const ACTIVE_SQL = `status IN (${ACTIVE_ASYNC_STATUSES.map((s) => `'${s}'`).join(", ")})`;

async function loadInvocation(db: Db, invocationId: string) {
  return db.asyncInvocation.findUnique({
    where: { id: invocationId },
    include: {
      endpoint: {
        select: {
          name: true,
          target: true,
          asyncServing: true,
          variants: { select: { variantName: true, version: { select: { version: true } } } },
        },
      },
    },
  });
}
type LoadedInvocation = NonNullable<Awaited<ReturnType<typeof loadInvocation>>>;

async function readAll(artifacts: ArtifactStore, sha256: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of chunksOf(await artifacts.get(sha256))) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function score(
  rt: AsyncRuntime,
  lease: Lease,
  row: LoadedInvocation,
): Promise<ScoredPayload | typeof STILL_ON_SAGEMAKER> {
  if (row.endpoint.target === "SAGEMAKER") return scoreOnSageMaker(rt, lease, row);
  const deps: ScoringDeps = {
    runtime: rt.runtime,
    artifacts: rt.artifacts,
    sleep: rt.sleep,
    checkpoint: () => lease.fence(),
  };
  if (row.contentType === "text/csv") return scoreCsvRecords(deps, row.endpoint.name, { sha256: row.inputSha256 });
  return scoreJsonRows(deps, row.endpoint.name, jsonRows(await readAll(rt.artifacts, row.inputSha256)));
}

/** Records the outcome (fenced: only while this worker holds the invocation), with its webhook due if it has one. */
async function settle(
  rt: AsyncRuntime,
  lease: Lease,
  row: LoadedInvocation,
  outcome: { status: "SUCCEEDED"; scored: ScoredPayload } | { status: "FAILED"; reason: string },
) {
  await rt.db.$transaction(async (tx) => {
    await lease.fence(tx);
    await tx.asyncInvocation.update({
      where: { id: row.id },
      data: {
        status: outcome.status,
        finishedAt: rt.clock(),
        ...(row.callbackUrl && { deliveryStatus: "PENDING" }),
        ...(outcome.status === "SUCCEEDED"
          ? {
              outputSha256: outcome.scored.output.sha256,
              outputBytes: outcome.scored.output.sizeBytes,
              rows: outcome.scored.rows,
              served: outcome.scored.served,
            }
          : { failureReason: outcome.reason.slice(0, 2_000) }),
      },
    });
  });
  // Queued after the commit; lost here (Redis gone), the PENDING delivery is queued again by a worker's restore.
  if (row.callbackUrl) await rt.deliver(row.id).catch(() => undefined);
}

const isPermanent = (error: unknown) =>
  error instanceof AsyncInputError ||
  error instanceof CsvSyntaxError ||
  (error instanceof AppError && error.code === "BAD_REQUEST");

/**
 * Scores one invocation to its end, one worker at a time (a row lease: a second worker waits, and takes over only
 * once the first stopped renewing it). On the local runtime the whole payload is scored again by a worker that takes
 * over (on SageMaker it polls the request already queued there, see score-on-sagemaker.ts); the result is
 * recorded once, by the lease holder. A payload the model refuses fails at once; the runtime unavailable is retried
 * by BullMQ until the last attempt.
 */
export async function runAsyncInvocation(
  rt: AsyncRuntime,
  invocationId: string,
  attempt: { lastAttempt: boolean } = { lastAttempt: true },
): Promise<AsyncOutcome> {
  const lease = await acquireRowLease(
    rt.db,
    { table: "AsyncInvocation", id: invocationId, label: `Invocation ${invocationId}`, active: ACTIVE_SQL },
    rt.lease,
    rt.sleep,
    async () => {
      const row = await rt.db.asyncInvocation.findUnique({ where: { id: invocationId }, select: { status: true } });
      return !!row && ACTIVE_ASYNC_STATUSES.includes(row.status);
    },
  );
  if (!lease) return "NOTHING_TO_DO";
  let row: LoadedInvocation | null = null;
  try {
    row = await loadInvocation(rt.db, invocationId);
    if (!row) return "NOTHING_TO_DO";
    // Runs that only look at a request SageMaker holds are not the crash loops MAX_RUNS ends.
    const onSageMaker = row.remoteSubmittedAt !== null;
    if (row.attempts >= MAX_RUNS && !onSageMaker) {
      await settle(rt, lease, row, {
        status: "FAILED",
        reason: `Scoring started ${row.attempts} times and never finished`,
      });
      return "FAILED";
    }
    const running = row;
    await rt.db.$transaction(async (tx) => {
      await lease.fence(tx);
      await tx.asyncInvocation.update({
        where: { id: running.id },
        data: onSageMaker
          ? { status: "RUNNING" }
          : { status: "RUNNING", attempts: { increment: 1 }, startedAt: rt.clock() },
      });
    });
    const scored = await score(rt, lease, running);
    if (scored === STILL_ON_SAGEMAKER) return "WAITING";
    await settle(rt, lease, running, { status: "SUCCEEDED", scored });
    return "SUCCEEDED";
  } catch (error) {
    if (error instanceof LeaseLost) return "SUPERSEDED";
    if (!row || (!isPermanent(error) && !attempt.lastAttempt)) throw error;
    // Awaited here, not returned: `finally` releases the lease, and the fence in settle must still find it held.
    return await settle(rt, lease, row, { status: "FAILED", reason: errorMessage(error) }).then(
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
