import { Worker } from "bullmq";
import { env } from "@/server/env";
import { resolveSetting, type WorkerJob } from "@/server/jobs/define-job";
import { redisConnection } from "@/server/jobs/redis";
import type { SystemContext } from "@/server/services/context";
import { singleFlight } from "@/workers/redis-recovery";

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
      (job) => {
        const { key, run } = definition.prepare(job);
        return key === undefined ? run(context) : once(key, () => run(context));
      },
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
