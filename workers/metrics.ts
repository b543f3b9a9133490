import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Job, Worker } from "bullmq";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { queueFor } from "@/server/jobs/define-job";
import type { TargetInstanceReading } from "@/server/services/cost/target-instances";
import { log } from "@/server/logging/logger";

const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800];
const COUNTED_STATES = ["waiting", "active", "delayed", "prioritized", "paused", "failed"] as const;

let targetInstanceSource: () => TargetInstanceReading[] = () => [];
let exportsClusterState: () => boolean = () => false;

/**
 * Which process exports the gauges read from state every worker process shares (queue depths, the capture backlog):
 * the leader lease holder only, so that summing a gauge over worker processes counts each job or entry once. A
 * process that never calls this exports none of them.
 */
export function exportClusterGauges(isLeader: () => boolean) {
  exportsClusterState = isLeader;
}

/** Whether this process exports the shared-state gauges now (see exportClusterGauges). */
export const exportsClusterGauges = () => exportsClusterState();

/** Where the worker's instance gauge reads from (the leader's TargetInstanceExport); nothing until it is set. */
export function exportTargetInstances(source: () => TargetInstanceReading[]) {
  targetInstanceSource = source;
}

/**
 * `modelport_target_variant_instances`: SageMaker and Kubernetes instances as the targets report them, filled at
 * scrape time from `source` (empty in every worker process but the lease holder). Cost is computed from it.
 */
export function targetInstancesGauge(registry: Registry, source: () => TargetInstanceReading[]) {
  return new Gauge({
    name: "modelport_target_variant_instances",
    help: "Instances of SageMaker and Kubernetes variants as the targets report them (exported by one worker, the lease holder); cost",
    labelNames: ["endpoint", "variant", "instance_type", "target"],
    registers: [registry],
    collect() {
      this.reset();
      for (const v of source()) {
        const labels = { endpoint: v.endpoint, variant: v.variant, instance_type: v.instanceType, target: v.target };
        this.inc(labels, v.instances);
      }
    },
  });
}

/** The worker process's Prometheus metrics, on a registry of its own (other modules may add gauges to it). */
export const workerMetrics = createWorkerMetrics();

function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "modelport_worker_" });
  // These three gauges end in `_total`, which Prometheus reserves for counters (promtool rejects them).
  for (const name of ["active_handles_total", "active_requests_total", "active_resources_total"]) {
    registry.removeSingleMetric(`modelport_worker_nodejs_${name}`);
  }
  const watchedQueues = new Set<string>();
  return {
    registry,
    watchedQueues,
    jobs: new Counter({
      name: "modelport_worker_jobs_total",
      help: "Jobs finished by this worker, by queue and outcome (completed or failed)",
      labelNames: ["queue", "outcome"],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: "modelport_worker_job_duration_seconds",
      help: "Time from a job's start on this worker to its completion or failure",
      labelNames: ["queue", "outcome"],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    queueJobs: new Gauge({
      name: "modelport_worker_queue_jobs",
      help: "Jobs in each queue by state, read from Redis at scrape time (exported by one worker, the lease holder)",
      labelNames: ["queue", "state"],
      registers: [registry],
      async collect() {
        this.reset();
        if (!exportsClusterGauges()) return;
        for (const queue of watchedQueues) {
          const counts = await queueFor(queue).getJobCounts(...COUNTED_STATES);
          for (const state of COUNTED_STATES) this.set({ queue, state }, counts[state] ?? 0);
        }
      },
    }),
    targetInstances: targetInstancesGauge(registry, () => targetInstanceSource()),
  };
}

function record(queue: string, outcome: "completed" | "failed", job: Job | undefined) {
  workerMetrics.jobs.inc({ queue, outcome });
  if (job?.processedOn !== undefined && job.finishedOn !== undefined) {
    workerMetrics.jobDuration.observe({ queue, outcome }, (job.finishedOn - job.processedOn) / 1000);
  }
}

/** Counts each worker's finished jobs and reports its queue's depth at every scrape. */
export function instrumentWorkers(workers: Worker[]) {
  for (const worker of workers) {
    workerMetrics.watchedQueues.add(worker.name);
    worker.on("completed", (job) => record(worker.name, "completed", job));
    worker.on("failed", (job) => record(worker.name, "failed", job));
  }
}

/**
 * Serves GET /metrics (and GET /healthz, for a kubelet's probes) on `host` (loopback unless told: in a cluster
 * Prometheus scrapes the pod's address); port 0 picks a free one (the bound port is returned).
 */
export async function serveWorkerMetrics(port: number, host = "127.0.0.1"): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    const path = request.url?.split("?")[0];
    if (request.method === "GET" && path === "/healthz") {
      response.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      return;
    }
    if (request.method !== "GET" || path !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("Not found; metrics are at /metrics\n");
      return;
    }
    workerMetrics.registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": workerMetrics.registry.contentType }).end(text),
      (error: unknown) => {
        log().error({ err: error }, "[worker] metrics collection failed");
        response.writeHead(500, { "content-type": "text/plain" }).end("Metrics collection failed\n");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
