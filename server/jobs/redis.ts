import type { ConnectionOptions } from "bullmq";
import { env } from "@/server/env";

/** BullMQ connection options from REDIS_URL (workers need maxRetriesPerRequest: null). */
export function redisConnection(): ConnectionOptions {
  const url = new URL(env().REDIS_URL);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    maxRetriesPerRequest: null,
  };
}
