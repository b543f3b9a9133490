import os from "node:os";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { Counter, Gauge } from "prom-client";
import type { Env } from "@/server/env";
import type { Db } from "@/server/db/client";
import { CaptureLoader } from "@/server/services/capture/loader";
import { runLoaderLoop } from "@/server/services/capture/loader-loop";
import { exportsClusterGauges, workerMetrics } from "@/workers/metrics";
import { errorMessage } from "@/lib/error-message";
import { log } from "@/server/logging/logger";

type XInfoGroup = Array<string | number | null>;

/** `lag` (entries not yet delivered) and `pending` (delivered, not acknowledged) of the group, from XINFO GROUPS. */
async function groupBacklog(redis: Redis, streamKey: string, group: string) {
  const groups = (await redis.call("XINFO", "GROUPS", streamKey).catch(() => [])) as XInfoGroup[];
  for (const fields of groups) {
    const info = new Map<string, string | number | null>();
    for (let i = 0; i < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1] ?? null);
    if (info.get("name") === group) return { lag: Number(info.get("lag") ?? 0), pending: Number(info.get("pending")) };
  }
  return { lag: 0, pending: 0 };
}

/** Starts the capture loader in this worker process: the Redis Stream → CapturedPrediction. Answers its stop. */
export function startCaptureLoader(db: Db, settings: Env): () => Promise<void> {
  const redis = new Redis(settings.CAPTURE_REDIS_URL ?? settings.REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  const { registry } = workerMetrics;
  const rows = new Counter({
    name: "modelport_worker_capture_rows_total",
    help: "Capture stream entries handled by the loader: loaded (new rows), duplicate (redelivered, already loaded), dead_lettered (invalid)",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const streamKey = settings.CAPTURE_STREAM_KEY;
  const group = settings.CAPTURE_CONSUMER_GROUP;
  new Gauge({
    name: "modelport_worker_capture_backlog_entries",
    help: "Capture stream entries not yet loaded: lag (not yet read by the group) and pending (read, not acknowledged); exported by one worker, the lease holder",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      this.reset();
      if (!exportsClusterGauges()) return;
      const backlog = await groupBacklog(redis, streamKey, group);
      this.set({ state: "lag" }, backlog.lag);
      this.set({ state: "pending" }, backlog.pending);
    },
  });
  const loader = new CaptureLoader(
    redis,
    db,
    {
      streamKey,
      group,
      consumer: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      batch: settings.CAPTURE_LOADER_BATCH,
      claimIdleMs: settings.CAPTURE_CLAIM_IDLE_MS,
      blockMs: 1_000,
    },
    {
      loaded: (n) => rows.inc({ outcome: "loaded" }, n),
      duplicates: (n) => rows.inc({ outcome: "duplicate" }, n),
      deadLettered: (n) => rows.inc({ outcome: "dead_lettered" }, n),
    },
  );
  const abort = new AbortController();
  let lastError = "";
  const running = runLoaderLoop(loader, abort.signal, {
    claimEveryMs: Math.max(1_000, Math.floor(settings.CAPTURE_CLAIM_IDLE_MS / 2)),
    onError: (error) => {
      const message = errorMessage(error);
      if (message !== lastError) log().error(`[worker] capture loader: ${message} (retrying)`);
      lastError = message;
    },
  });
  return async () => {
    abort.abort();
    redis.disconnect();
    await running;
  };
}
