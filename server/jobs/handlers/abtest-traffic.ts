import type { Job } from "bullmq";
import { isLastAttempt } from "@/server/jobs/define-job";
import type { z } from "zod";
import type { abTestTrafficPayload } from "@/server/jobs/abtest-traffic";
import type { SystemContext } from "@/server/services/context";
import { deploymentRuntime } from "@/server/jobs/handlers/deployment-runtime";
import { runTrafficTransition } from "@/server/services/abtests/traffic/run-transition";
import { log } from "@/server/logging/logger";

/** Moves a test's traffic; a transient failure is retried by BullMQ, and a start's last try falls back. */
export async function handleAbTestTraffic(
  { testId }: z.infer<typeof abTestTrafficPayload>,
  context: SystemContext,
  job: Pick<Job, "attemptsMade" | "opts">,
) {
  const outcome = await runTrafficTransition(context.db, testId, deploymentRuntime(context), {
    lastAttempt: isLastAttempt(job),
  });
  if (outcome === "SUPERSEDED") log().warn(`[worker] A/B test ${testId}: another worker moves its traffic now`);
  return outcome;
}
