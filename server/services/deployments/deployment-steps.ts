import type { Prisma } from "@/server/db/generated/client";
import type { Db } from "@/server/db/client";
import { LeaseLost, type Fence } from "@/server/services/deployments/deployment-lease";
import { errorMessage } from "@/lib/error-message";
import { AppError } from "@/server/errors";

/** A failure the deployment answers by rolling back (unhealthy endpoint, guardrail breach), not by retrying. */
export class DeploymentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeploymentFailure";
  }
}

/** A step that cannot go on without a person's decision; the deployment waits (AWAITING_DECISION) until they decide. */
export class AwaitingDecision extends Error {
  constructor(readonly question: string) {
    super(question);
    this.name = "AwaitingDecision";
  }
}

/**
 * A target's error that says repeating the call cannot help (`retryable: false`: a 4xx from the runtime's control
 * API, S3 AccessDenied, ...). The deployment rolls back at once instead of spending the job's retries on it.
 */
export function isPermanentTargetError(error: unknown): error is Error {
  // A target refusing the spec itself (BAD_REQUEST: e.g. a vLLM launch that cannot start) refuses it again on retry.
  if (error instanceof AppError && error.code === "BAD_REQUEST") return true;
  return error instanceof Error && "retryable" in error && error.retryable === false;
}

/** Whether an error ends the release at once (it is rolled back) rather than being retried. */
export const isPermanentFailure = (error: unknown): error is Error =>
  error instanceof DeploymentFailure || isPermanentTargetError(error);

/**
 * What a step's body knows about its own history: the first try's start survives retries (a bake keeps its window),
 * and so does what an earlier try saved with `saveCheckpoint` (a bake's counter marks), kept in its event's details.
 */
export type StepAttempt = {
  attempt: number;
  firstStartedAt: Date;
  checkpoint: Prisma.JsonValue | null;
  saveCheckpoint: (value: Prisma.InputJsonValue) => Promise<void>;
};

export type StepRunner = <T extends Prisma.InputJsonValue>(
  step: string,
  body: (attempt: StepAttempt) => Promise<T>,
) => Promise<T>;

/** How an event left RUNNING by a worker that stopped (killed, frozen past its lease) is closed by the next holder. */
export const ABANDONED_MESSAGE = "Abandoned: the worker running this step stopped before recording its outcome";

/**
 * Runs named steps of one deployment, each at most once to success. A step that already SUCCEEDED is skipped and its
 * recorded details are returned, so a retried or resumed job continues where the last one stopped. Each try is an
 * event with start, end and outcome; the error is recorded and rethrown for the caller to handle.
 *
 * Every event write happens in a transaction that first renews the lease (`fence`), so only the worker holding the
 * deployment writes: one that lost it writes nothing and gets LeaseLost. A try left RUNNING by a worker that stopped
 * is marked ABANDONED when the step is tried again, so the log shows each step's tries with one outcome each.
 */
export function stepRunner(database: Db, deploymentId: string, fence: Fence): StepRunner {
  return async function run<T extends Prisma.InputJsonValue>(
    step: string,
    body: (attempt: StepAttempt) => Promise<T>,
  ): Promise<T> {
    const earlier = await database.deploymentEvent.findMany({
      where: { deploymentId, step },
      orderBy: { id: "asc" },
      select: { outcome: true, details: true, startedAt: true },
    });
    const finished = earlier.find((e) => e.outcome === "SUCCEEDED");
    if (finished) return finished.details as T;
    const event = await database.$transaction(async (tx) => {
      await fence(tx);
      await tx.deploymentEvent.updateMany({
        where: { deploymentId, step, outcome: "RUNNING" },
        data: { outcome: "ABANDONED", finishedAt: new Date(), message: ABANDONED_MESSAGE },
      });
      return tx.deploymentEvent.create({
        data: { deploymentId, step, attempt: earlier.length + 1, outcome: "RUNNING" },
      });
    });
    const record = (data: Prisma.DeploymentEventUpdateInput) =>
      database.$transaction(async (tx) => {
        await fence(tx);
        await tx.deploymentEvent.update({ where: { id: event.id }, data });
      });
    const saveCheckpoint = async (value: Prisma.InputJsonValue) => {
      await record({ details: value });
    };
    const checkpoint = earlier.findLast((e) => e.details !== null)?.details ?? null;
    let details: T;
    try {
      details = await body({
        attempt: earlier.length + 1,
        firstStartedAt: earlier[0]?.startedAt ?? event.startedAt,
        checkpoint,
        saveCheckpoint,
      });
    } catch (error) {
      // A worker that lost the lease leaves the try to whoever holds the deployment now.
      if (error instanceof LeaseLost) throw error;
      await record({
        outcome: error instanceof AwaitingDecision ? "WAITING" : "FAILED",
        finishedAt: new Date(),
        message: errorMessage(error),
      });
      throw error;
    }
    await record({ outcome: "SUCCEEDED", finishedAt: new Date(), details });
    return details;
  };
}

/** The event that records a person's decision on a step that waited for one ("bake:1" → "decide-bake:1"). */
export const decisionStepOf = (step: string) => `decide-${step}`;
