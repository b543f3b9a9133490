import type { RedisClient } from "bullmq";
import { log } from "@/server/logging/logger";

/**
 * Runs `restore` each time the connection to Redis comes back after a drop. A Redis that keeps nothing on disk
 * restarts empty, so the jobs the worker schedules at start-up are re-added from PostgreSQL; their ids are
 * derived from the entity, so a job Redis did keep is not added twice. Call it with a connected client: start-up
 * restores on its own, and every later 'ready' is a reconnect.
 */
export function restoreOnReconnect(client: RedisClient, restore: () => Promise<unknown>) {
  client.on("ready", () => {
    restore().catch((error: unknown) =>
      log().error({ err: error }, "[worker] re-queueing after a Redis reconnect failed"),
    );
  });
}

/**
 * Runs at most one `task` per key at a time in this process; a caller for a key already running shares its
 * result. A job re-queued after Redis lost it can otherwise run beside the one this process is still handling.
 */
export function singleFlight<T>() {
  const running = new Map<string, Promise<T>>();
  return (key: string, task: () => Promise<T>): Promise<T> => {
    const current = running.get(key);
    if (current) return current;
    const started = task().finally(() => running.delete(key));
    running.set(key, started);
    return started;
  };
}
