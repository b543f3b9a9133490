import { Queue, type JobsOptions } from "bullmq";
import type { z } from "zod";
import { env } from "@/server/env";
import { redisConnection } from "@/server/jobs/redis";

/** A job type shared by producer and worker: its queue, name and payload schema. */
export type JobDefinition<S extends z.ZodType> = {
  queue: string;
  name: string;
  schema: S;
  defaults?: JobsOptions;
};

export function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
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

/** Validates the payload and enqueues it; pass a jobId derived from the entity to stay idempotent. */
export async function enqueue<S extends z.ZodType>(
  definition: JobDefinition<S>,
  payload: z.input<S>,
  options: JobsOptions = {},
) {
  const data = definition.schema.parse(payload);
  return queueFor(definition.queue).add(definition.name, data, { ...definition.defaults, ...options });
}

export async function closeQueues() {
  await Promise.all([...queues.values()].map((q) => q.close()));
  queues.clear();
}
