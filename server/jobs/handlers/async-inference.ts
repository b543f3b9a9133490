import type { Job } from "bullmq";
import { isLastAttempt } from "@/server/jobs/define-job";
import { randomUUID } from "node:crypto";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { env } from "@/server/env";
import { createSageMakerAsyncInvoker } from "@/server/integrations/sagemaker/async-invoker";
import { sageMakerConfigFromEnv } from "@/server/integrations/sagemaker/config";
import { storeArtifactSource } from "@/server/jobs/handlers/deployment-runtime";
import { enqueueWebhookDelivery, type asyncInvocationPayload } from "@/server/jobs/async-inference";
import { log } from "@/server/logging/logger";
import { deliverWebhook } from "@/server/services/async-inference/deliver-webhook";
import { enqueueActiveInvocations } from "@/server/services/async-inference/invocations";
import { runAsyncInvocation } from "@/server/services/async-inference/run-invocation";
import type { SystemContext } from "@/server/services/context";

/** This worker process, as the owner of the invocations it leases. */
const WORKER_IDENTITY = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

type Payload = z.infer<typeof asyncInvocationPayload>;
type Attempts = Pick<Job, "attemptsMade" | "opts">;

/**
 * Scores an invocation on the local runtime, or queues it on an asynchronous SageMaker endpoint and waits for its
 * answer; the runtime or AWS unavailable is retried by BullMQ, then the invocation fails.
 */
export async function handleAsyncInvocation({ invocationId }: Payload, context: SystemContext, job: Attempts) {
  const outcome = await runAsyncInvocation(
    {
      db: context.db,
      artifacts: context.artifacts,
      runtime: context.runtime,
      clock: context.clock,
      lease: { owner: WORKER_IDENTITY, ttlMs: env().DEPLOYMENT_LEASE_MS },
      sleep: (ms) => sleep(ms),
      deliver: enqueueWebhookDelivery,
      sageMaker: () => ({
        invoker: createSageMakerAsyncInvoker(sageMakerConfigFromEnv(), storeArtifactSource(context.artifacts)),
      }),
    },
    invocationId,
    { lastAttempt: isLastAttempt(job) },
  );
  if (outcome === "SUPERSEDED") log().warn(`[worker] invocation ${invocationId}: another worker scores it now`);
  return outcome;
}

/** Delivers an invocation's outcome to its webhook; retried with backoff until the receiver takes it. */
export async function handleWebhookDelivery({ invocationId }: Payload, context: SystemContext, job: Attempts) {
  const settings = env();
  return deliverWebhook(
    {
      db: context.db,
      clock: context.clock,
      timeoutMs: settings.ASYNC_WEBHOOK_TIMEOUT_MS,
      allowedHosts: settings.ASYNC_CALLBACK_ALLOWED_HOSTS,
    },
    invocationId,
    { lastAttempt: isLastAttempt(job) },
  );
}

/** Queues again what the queue lost (see asyncSweepJob). */
export async function handleAsyncSweep(_payload: unknown, context: SystemContext) {
  return enqueueActiveInvocations(context.db);
}
