import { randomUUID } from "node:crypto";
import { Worker, type Job } from "bullmq";
import { env } from "@/server/env";
import { requestIdOfJob, resolveSetting, type WorkerJob } from "@/server/jobs/define-job";
import { log, withRequestId } from "@/server/logging/logger";
import { redisConnection } from "@/server/jobs/redis";
import type { SystemContext } from "@/server/services/context";
import { singleFlight } from "@/workers/redis-recovery";

/**
 * Runs a job under the id of the request that enqueued it (a fresh one for scheduled and re-queued jobs), so its log
 * lines and its calls to the runtime carry it. Scheduled runs log at `level` debug, requested ones at info.
 */
function inJobScope<T>(job: Job, level: "debug" | "info", run: () => Promise<T>): Promise<T> {
  const requestId = requestIdOfJob(job) ?? randomUUID();
  return withRequestId(requestId, { job: job.name, jobId: job.id }, async () => {
    const started = performance.now();
    log()[level]({ attempt: job.attemptsMade + 1 }, "job started");
    const result = await run();
    log()[level]({ durationMs: Math.round(performance.now() - started) }, "job finished");
    return result;
  });
}

/**
 * One BullMQ Worker per job: each payload is parsed once with the job's schema and handed, with the context, to the
 * job's handler (imported on first use). `overrides.concurrency` replaces every job's own (tests run one at a time).
 */
export function startWorkers(
  jobs: readonly WorkerJob[],
  context: SystemContext,
  overrides: { concurrency?: number } = {},
): Worker[] {
  const settings = env();
  return jobs.map((definition) => {
    const once = singleFlight<unknown>();
    const lockDuration = definition.lockDuration && resolveSetting(definition.lockDuration, settings);
    const stalledInterval = definition.stalledInterval && resolveSetting(definition.stalledInterval, settings);
    return new Worker(
      definition.queue,
      (job) =>
        inJobScope(job, definition.schedule ? "debug" : "info", () => {
          const { key, run } = definition.prepare(job);
          return key === undefined ? run(context) : once(key, () => run(context));
        }),
      {
        connection: redisConnection(),
        prefix: settings.QUEUE_PREFIX,
        concurrency: overrides.concurrency ?? definition.concurrency ?? 1,
        ...(lockDuration === undefined ? {} : { lockDuration }),
        ...(stalledInterval === undefined ? {} : { stalledInterval }),
        ...(definition.maxStalledCount === undefined ? {} : { maxStalledCount: definition.maxStalledCount }),
      },
    );
  });
}
