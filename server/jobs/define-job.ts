import { Queue, type Job, type JobsOptions } from "bullmq";
import type { z } from "zod";
import { parseRequestId } from "@/contracts/request-id";
import { env, type Env } from "@/server/env";
import { redisConnection } from "@/server/jobs/redis";
import { currentRequestId } from "@/server/logging/logger";
import type { SystemContext } from "@/server/services/context";

/** A value fixed in the definition, or read from the validated environment when the worker starts. */
export type Setting<T> = T | ((settings: Env) => T);

/** Runs one job: the payload is already parsed with the job's schema; `job` gives BullMQ's attempt and timing. */
export type JobHandler<S extends z.ZodType, R = unknown> = (
  payload: z.infer<S>,
  context: SystemContext,
  job: Job,
) => Promise<R>;

type Schedule<S extends z.ZodType> = ({ every: Setting<number> } | { pattern: string }) & {
  /** The payload of every scheduled run (an empty object when omitted). */
  payload?: () => z.input<S>;
};

/** What defineJob is given: the job's queue, name, payload schema and handler, and how the worker runs it. */
export type JobSpec<S extends z.ZodType> = {
  name: string;
  /** The BullMQ queue; the job's name when omitted. */
  queue?: string;
  schema: S;
  /** A lazy import, so a producer (the web server enqueueing a deployment) never loads the handler's dependencies. */
  handler: () => Promise<JobHandler<S>>;
  defaults?: JobsOptions;
  /** A repeatable job: the worker upserts one job scheduler (id = the job's name) with this interval or cron pattern. */
  schedule?: Schedule<S>;
  concurrency?: number;
  /** How long a worker holds a job's lock between renewals (BullMQ's default when omitted). */
  lockDuration?: Setting<number>;
  stalledInterval?: Setting<number>;
  /**
   * How many times a job may be taken back from a worker that stopped renewing its lock (it crashed or froze) before
   * BullMQ fails it instead (BullMQ's default: 1).
   */
  maxStalledCount?: number;
  /**
   * Jobs with the same key never run side by side in one worker process (a later one shares the running result).
   * Across processes the guard is the entity's own: a deployment's row lease (server/db/row-lease.ts).
   */
  singleFlightKey?: (payload: z.infer<S>) => string;
};

/** A started job, ready to run: its payload parsed once, and its single-flight key if it has one. */
export type PreparedJob = { key: string | undefined; run: (context: SystemContext) => Promise<unknown> };

/** A job type shared by producer and worker. */
export type JobDefinition<S extends z.ZodType> = Omit<JobSpec<S>, "queue" | "handler" | "singleFlightKey"> & {
  queue: string;
  /** Parses a BullMQ job's data with the schema and binds it to the (lazily imported) handler. */
  prepare: (job: Job) => PreparedJob;
};

/** Any job definition, as the worker loop sees them. */
export type WorkerJob = Omit<JobDefinition<z.ZodType>, "schema" | "schedule"> & {
  schema: z.ZodType;
  schedule?: Schedule<z.ZodType>;
};

export function defineJob<S extends z.ZodType>({ handler, singleFlightKey, ...spec }: JobSpec<S>): JobDefinition<S> {
  return {
    ...spec,
    queue: spec.queue ?? spec.name,
    prepare: (job) => {
      const payload = spec.schema.parse(job.data);
      return {
        key: singleFlightKey?.(payload),
        run: async (context) => (await handler())(payload, context, job),
      };
    },
  };
}

export function resolveSetting<T>(setting: Setting<T>, settings: Env = env()): T {
  return typeof setting === "function" ? (setting as (settings: Env) => T)(settings) : setting;
}

/** Whether this run of a job is its last try (BullMQ counts attempts made before this one). */
export const isLastAttempt = (job: Pick<Job, "attemptsMade" | "opts">) =>
  job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

/**
 * The payloads of `queue`'s entries that have not ended (waiting, running, delayed for a retry), as `schema` reads
 * them (others skipped): what a worker compares with the database to queue lost work again.
 */
export async function unfinishedPayloads<S extends z.ZodType>(queue: string, schema: S): Promise<z.output<S>[]> {
  const entries = await queueFor(queue).getJobs(["waiting", "active", "delayed", "prioritized", "paused"]);
  return entries.flatMap((entry) => {
    const payload = schema.safeParse(entry?.data);
    return payload.success ? [payload.data] : [];
  });
}

const queues = new Map<string, Queue>();

export function queueFor(name: string): Queue {
  let queue = queues.get(name);
  if (!queue) {
    queue = new Queue(name, { connection: redisConnection(), prefix: env().QUEUE_PREFIX });
    queues.set(name, queue);
  }
  return queue;
}

/**
 * The request that enqueued a job travels in its data beside the payload's fields, under this key: every job schema
 * is a (non-strict) z.object, so parsing the data drops it and handlers never see it.
 */
const REQUEST_ID_FIELD = "_requestId";

/** The id of the request that enqueued the job, if a request did (not a schedule, nor a worker's re-queueing). */
export function requestIdOfJob(job: Pick<Job, "data"> | undefined): string | undefined {
  const data: unknown = job?.data;
  if (typeof data !== "object" || data === null) return undefined;
  const value = (data as Record<string, unknown>)[REQUEST_ID_FIELD];
  return typeof value === "string" ? parseRequestId(value) : undefined;
}

/**
 * Validates the payload and enqueues it (with the current request's id, for the logs); pass a jobId derived from the
 * entity to stay idempotent.
 */
export async function enqueue<S extends z.ZodType>(
  definition: JobDefinition<S>,
  payload: z.input<S>,
  options: JobsOptions = {},
) {
  const data = definition.schema.parse(payload);
  const requestId = currentRequestId();
  const traced = requestId === undefined ? data : { ...(data as object), [REQUEST_ID_FIELD]: requestId };
  return queueFor(definition.queue).add(definition.name, traced, { ...definition.defaults, ...options });
}

/**
 * Creates or updates the job's scheduler (id = the job's name), so there is one schedule however often the worker
 * starts and whatever the interval is now.
 */
export async function scheduleJob(definition: WorkerJob) {
  const { schedule } = definition;
  if (!schedule) throw new Error(`Job ${definition.name} has no schedule`);
  const repeat = "pattern" in schedule ? { pattern: schedule.pattern } : { every: resolveSetting(schedule.every) };
  const data = definition.schema.parse(schedule.payload?.() ?? {});
  return queueFor(definition.queue).upsertJobScheduler(definition.name, repeat, {
    name: definition.name,
    data,
    opts: definition.defaults,
  });
}

export async function closeQueues() {
  await Promise.all([...queues.values()].map((q) => q.close()));
  queues.clear();
}
