import type { Job } from "bullmq";
import type { z } from "zod";
import type { deployPayload } from "@/server/jobs/deploy";
import type { SystemContext } from "@/server/services/context";
import { runDeployment } from "@/server/services/deployments/run-deployment";
import { deploymentRuntime } from "@/server/jobs/handlers/deployment-runtime";
import { log } from "@/server/logging/logger";

/**
 * Runs a deployment. Failures the state machine understands roll back inside runDeployment; anything else (a network
 * error, a crash) is retried by BullMQ, resuming from the last finished step, and on the last attempt the deployment
 * rolls back (or, when even that cannot be done, ends FAILED) instead of being retried.
 */
export async function handleDeploy(
  { deploymentId }: z.infer<typeof deployPayload>,
  context: SystemContext,
  job: Pick<Job, "attemptsMade" | "opts">,
) {
  const attempt = job.attemptsMade + 1;
  const outcome = await runDeployment(context.db, deploymentId, deploymentRuntime(context), {
    attempt,
    lastAttempt: attempt >= (job.opts.attempts ?? 1),
  });
  // This worker stopped (it lost the lease, e.g. after being frozen past it) without writing anything more.
  if (outcome === "SUPERSEDED")
    log().warn(`[worker] deployment ${deploymentId} superseded: another worker holds it now, or it was cancelled`);
  return outcome;
}
