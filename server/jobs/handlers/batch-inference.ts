import type { Job } from "bullmq";
import { isLastAttempt } from "@/server/jobs/define-job";
import { randomUUID } from "node:crypto";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { env } from "@/server/env";
import { sageMakerConfigFromEnv } from "@/server/integrations/sagemaker/config";
import { createTransformJobDeps } from "@/server/integrations/sagemaker/transform-job";
import { storeArtifactSource } from "@/server/jobs/handlers/deployment-runtime";
import type { batchInferencePayload } from "@/server/jobs/batch-inference";
import { log } from "@/server/logging/logger";
import { runBatchJob } from "@/server/services/batch/run-batch-job";
import type { SystemContext } from "@/server/services/context";

/** This worker process, as the owner of the batch jobs it leases. */
const WORKER_IDENTITY = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** Scores a batch job on the local runtime or as a SageMaker transform job; a transient failure is retried by BullMQ from the last written part. */
export async function handleBatchInference(
  { jobId }: z.infer<typeof batchInferencePayload>,
  context: SystemContext,
  job: Pick<Job, "attemptsMade" | "opts">,
) {
  const outcome = await runBatchJob(
    {
      db: context.db,
      artifacts: context.artifacts,
      runtime: context.runtime,
      clock: context.clock,
      lease: { owner: WORKER_IDENTITY, ttlMs: env().DEPLOYMENT_LEASE_MS },
      sleep: (ms) => sleep(ms),
      modelFile: (sha256) => context.artifacts.localFile(sha256),
      sageMaker: () =>
        createTransformJobDeps(sageMakerConfigFromEnv(), { artifacts: storeArtifactSource(context.artifacts) }),
    },
    jobId,
    { lastAttempt: isLastAttempt(job) },
  );
  if (outcome === "SUPERSEDED") log().warn(`[worker] batch job ${jobId}: another worker runs it now`);
  return outcome;
}
