import type { Job } from "bullmq";
import type { z } from "zod";
import type { deployPayload } from "@/server/jobs/deploy";
import type { SystemContext } from "@/server/services/context";
import { rollBack, runDeployment } from "@/server/services/deployments/run-deployment";
import { deploymentRuntime } from "@/server/jobs/handlers/deployment-runtime";

/**
 * Runs a deployment. Failures the state machine understands roll back inside runDeployment; anything else
 * (a network error, a crash) is retried by BullMQ, resuming from the last finished step, and after the last
 * attempt the deployment is rolled back with the error as its reason.
 */
export async function handleDeploy(
  { deploymentId }: z.infer<typeof deployPayload>,
  context: SystemContext,
  job: Pick<Job, "attemptsMade" | "opts">,
) {
  const runtime = deploymentRuntime(context);
  try {
    return await runDeployment(context.db, deploymentId, runtime);
  } catch (error) {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (lastAttempt)
      await rollBack(
        context.db,
        deploymentId,
        runtime,
        `Gave up after ${job.attemptsMade + 1} attempts: ${error instanceof Error ? error.message : String(error)}`,
      );
    throw error;
  }
}
