import type { Prisma } from "@/server/db/generated/client";
import type { Db } from "@/server/db/client";

/** A failure the deployment answers by rolling back (unhealthy endpoint, guardrail breach), not by retrying. */
export class DeploymentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeploymentFailure";
  }
}

/**
 * A target's error that says repeating the call cannot help (`retryable: false`: a 4xx from the runtime's control
 * API, S3 AccessDenied, ...). The deployment rolls back at once instead of spending the job's retries on it.
 */
export function isPermanentTargetError(error: unknown): error is Error {
  return error instanceof Error && "retryable" in error && error.retryable === false;
}

/**
 * Runs one named step at most once to success. A step that already SUCCEEDED is skipped and its recorded details
 * are returned, so a retried or resumed job continues where the last one stopped. Each try is an event with start,
 * end and outcome; the error is recorded and then rethrown for the caller to handle.
 */
export async function runStep<T extends Prisma.InputJsonValue>(
  database: Db,
  deploymentId: string,
  step: string,
  body: () => Promise<T>,
): Promise<T> {
  const finished = await database.deploymentEvent.findFirst({ where: { deploymentId, step, outcome: "SUCCEEDED" } });
  if (finished) return finished.details as T;
  const attempt = (await database.deploymentEvent.count({ where: { deploymentId, step } })) + 1;
  const event = await database.deploymentEvent.create({ data: { deploymentId, step, attempt, outcome: "RUNNING" } });
  let details: T;
  try {
    details = await body();
  } catch (error) {
    await database.deploymentEvent.update({
      where: { id: event.id },
      data: {
        outcome: "FAILED",
        finishedAt: new Date(),
        message: error instanceof Error ? error.message : String(error),
      },
    });
    throw error;
  }
  await database.deploymentEvent.update({
    where: { id: event.id },
    data: { outcome: "SUCCEEDED", finishedAt: new Date(), details },
  });
  return details;
}
