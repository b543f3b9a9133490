import { Gauge } from "prom-client";
import { ACTIVE_ASYNC_STATUSES } from "@/contracts/async-invocations";
import type { Db } from "@/server/db/client";
import { exportsClusterGauges, workerMetrics } from "@/workers/metrics";

type BacklogRow = { endpoint: string; status: string; count: bigint; oldest: Date };

async function readBacklog(db: Db): Promise<BacklogRow[]> {
  return db.$queryRaw<BacklogRow[]>`
    SELECT e.name AS endpoint, a.status::text AS status, count(*) AS count, min(a."createdAt") AS oldest
    FROM "AsyncInvocation" a JOIN "Endpoint" e ON e.id = a."endpointId"
    WHERE a.status::text = ANY(${[...ACTIVE_ASYNC_STATUSES]})
    GROUP BY e.name, a.status`;
}

/**
 * Each endpoint's asynchronous backlog, read from PostgreSQL (the truth; the queue may have lost entries) at scrape
 * time by the lease-holding worker only, so summing over worker processes counts each invocation once:
 * `modelport_async_backlog_invocations{endpoint,state}` (queued, running) and the age of the oldest queued one.
 */
export function exportAsyncBacklog(db: Db, now: () => Date = () => new Date()) {
  let rows: Promise<BacklogRow[]> | undefined;
  // Both gauges are collected in one scrape: one query serves them.
  const backlog = () => (rows ??= readBacklog(db).finally(() => setTimeout(() => (rows = undefined), 500)));
  new Gauge({
    name: "modelport_async_backlog_invocations",
    help: "Asynchronous invocations not finished, by endpoint and state (queued, running); exported by one worker, the lease holder",
    labelNames: ["endpoint", "state"],
    registers: [workerMetrics.registry],
    async collect() {
      this.reset();
      if (!exportsClusterGauges()) return;
      for (const row of await backlog())
        this.set({ endpoint: row.endpoint, state: row.status.toLowerCase() }, Number(row.count));
    },
  });
  new Gauge({
    name: "modelport_async_oldest_queued_seconds",
    help: "Age of each endpoint's oldest queued asynchronous invocation; exported by one worker, the lease holder",
    labelNames: ["endpoint"],
    registers: [workerMetrics.registry],
    async collect() {
      this.reset();
      if (!exportsClusterGauges()) return;
      for (const row of await backlog())
        if (row.status === "QUEUED")
          this.set({ endpoint: row.endpoint }, Math.max(0, (now().getTime() - row.oldest.getTime()) / 1000));
    },
  });
}
