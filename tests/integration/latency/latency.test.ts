import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuiltModel } from "@/training/catalog";
import { rowObject } from "@/training/dataset";
import { writeModels, type ManifestEntry } from "@/training/write-models";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { AppError } from "@/server/errors";
import { closeQueues } from "@/server/jobs/define-job";
import { LocalRuntimeTarget } from "@/server/integrations/local-runtime";
import { PrometheusClient, type PrometheusSource } from "@/server/integrations/prometheus/client";
import { projectScrapeJobs, renderPrometheusConfig } from "@/server/integrations/prometheus/config";
import { dismissAlert, listOpenAlerts } from "@/server/services/alerts/alerts";
import { setEndpointSlo } from "@/server/services/endpoints/slo";
import { latencyDashboard } from "@/server/services/latency/dashboard";
import { checkLatencySlos, sloAlertKey } from "@/server/services/slo/alerts";
import { exportClusterGauges, serveWorkerMetrics, workerMetrics } from "@/workers/metrics";
import { givenUser } from "@/tests/integration/fixtures";
import { onnxVariant } from "@/tests/integration/runtime/onnx-variant";
import {
  freePort,
  inParallel,
  postJson,
  startRuntime,
  temporaryDirectory,
  type RunningRuntime,
} from "@/tests/integration/runtime/runtime-process";
import { startPrometheus, type RunningPrometheus } from "@/tests/integration/support/prometheus-process";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

let runtime: RunningRuntime;
let prometheus: RunningPrometheus;
let models: BuiltModel[];
let manifest: ManifestEntry[];
let modelDirectory: Awaited<ReturnType<typeof temporaryDirectory>>;

// Requests sent in all, warm-up included: fraud answers 200s and 400s (rows missing a feature), eta only 500s.
const SENT = { ok: 61, rejected: 16, failed: 11 };

const read = () => ({ db: db() });
/** The database and this file's Prometheus (or another), with "now" fixed when given. */
const metrics = (client: PrometheusSource = prometheus.client, now?: Date) => ({
  db: db(),
  prometheus: client,
  clock: () => now ?? new Date(),
});
const predict = (endpoint: string, body: unknown) =>
  postJson(`${runtime.baseUrl}/v1/endpoints/${endpoint}/predict`, body);
const built = (name: string) => models.find((m) => m.name === name)!;

const variant = (modelName: string, version: number) =>
  onnxVariant({ manifest, directory: modelDirectory.directory }, modelName, version, 100);

async function sendTraffic(counts: { ok: number; rejected: number; failed: number }) {
  const fraudRow = (i: number) => rowObject(built("fraud-gbt").test, i);
  const etaRow = rowObject(built("delivery-time-gbt").test, 0);
  const ok = await inParallel(counts.ok, 4, (i) => predict("fraud", { row: fraudRow(i) }));
  const rejected = await inParallel(counts.rejected, 4, () => predict("fraud", { row: { amount: 12 } }));
  const failed = await inParallel(counts.failed, 4, () => predict("eta", { row: etaRow }));
  expect(ok.map((r) => r.status)).toEqual(Array(counts.ok).fill(200));
  expect(rejected.map((r) => r.status)).toEqual(Array(counts.rejected).fill(400));
  expect(failed.map((r) => r.status)).toEqual(Array(counts.failed).fill(500));
}

beforeAll(async () => {
  modelDirectory = await temporaryDirectory("modelport-latency-models-");
  ({ models, manifest } = await writeModels(modelDirectory.directory));
  runtime = await startRuntime({ RUNTIME_INFERENCE_THREADS: "1" });
  const target = new LocalRuntimeTarget({ baseUrl: runtime.baseUrl, controlToken: runtime.controlToken });
  await target.apply({ endpointName: "fraud", variants: [variant("fraud-gbt", 1)] });
  await target.apply({ endpointName: "eta", variants: [variant("delivery-time-gbt", 2)] });
  await target.client.injectFault("eta", "delivery-time-gbt-v2", { errorRate: 1 });
  prometheus = await startPrometheus({ targets: [new URL(runtime.baseUrl).host], scrapeIntervalSeconds: 1 });
  // A first request of each kind creates its series, so the next scrape records a baseline that rates start from.
  await sendTraffic({ ok: 1, rejected: 1, failed: 1 });
  await prometheus.waitForScrape();
  await sendTraffic({ ok: SENT.ok - 1, rejected: SENT.rejected - 1, failed: SENT.failed - 1 });
  await prometheus.waitForScrape();
  await prometheus.waitForScrape();
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await runtime?.stop();
  await modelDirectory?.remove();
  await closeQueues();
});

describe("latency and traffic from the real runtime through a real Prometheus", () => {
  it("counts every request the runtime answered, by endpoint, variant and status", async () => {
    const samples = await prometheus.client.query(
      "sum by (endpoint, variant, status) (modelport_runtime_requests_total)",
    );
    const counts = Object.fromEntries(
      samples.map((s) => [`${s.metric.endpoint}/${s.metric.variant}/${s.metric.status}`, s.value]),
    );
    expect(counts).toEqual({
      "fraud/fraud-gbt-v1/200": SENT.ok,
      "fraud/fraud-gbt-v1/400": SENT.rejected,
      "eta/delivery-time-gbt-v2/500": SENT.failed,
      // Series start at zero when a variant loads, so one that never answered 200 still shows it.
      "eta/delivery-time-gbt-v2/200": 0,
    });
    const observed = await prometheus.client.query("sum(modelport_runtime_request_duration_seconds_count)");
    expect(observed[0]?.value).toBe(SENT.ok + SENT.rejected + SENT.failed);
  });

  it("reports numbers equal to its own PromQL evaluated by Prometheus at the same time", async () => {
    const dashboard = await latencyDashboard(metrics(), { range: "15m" });
    expect(dashboard.rows.map((r) => `${r.endpoint}/${r.variant}`)).toEqual([
      "eta/delivery-time-gbt-v2",
      "fraud/fraud-gbt-v1",
    ]);
    for (const [column, promql] of Object.entries(dashboard.queries.summary)) {
      const direct = await prometheus.client.query(promql, dashboard.end);
      for (const row of dashboard.rows) {
        const sample = direct.find((s) => s.metric.endpoint === row.endpoint && s.metric.variant === row.variant);
        expect(row[column as keyof typeof row], `${column} of ${row.endpoint}`).toBe(sample?.value);
      }
    }
    const [eta, fraud] = dashboard.rows;
    // 5xx are the endpoint's errors; the 400s are the caller's and count only as client errors.
    expect(eta).toMatchObject({ errorRatio: 1, clientErrorRatio: 0 });
    expect(fraud).toMatchObject({ errorRatio: 0 });
    // Rates of two counters are extrapolated separately by Prometheus, so the ratio is close to, not exactly, 15/75.
    expect(fraud!.clientErrorRatio).toBeCloseTo((SENT.rejected - 1) / (SENT.ok + SENT.rejected - 2), 1);
    for (const row of dashboard.rows) {
      expect(row.requests).toBeGreaterThan(0);
      expect(row.p50!).toBeGreaterThan(0);
      expect(row.p50!).toBeLessThanOrEqual(row.p95!);
      expect(row.p95!).toBeLessThanOrEqual(row.p99!);
    }
  });

  it("charts the same series a direct range query returns, within the point limit", async () => {
    const dashboard = await latencyDashboard(metrics(), { range: "15m" });
    expect(dashboard.stepSeconds).toBe(4);
    for (const [metric, promql] of Object.entries(dashboard.queries.series)) {
      const direct = await prometheus.client.queryRange(promql, {
        start: dashboard.start,
        end: dashboard.end,
        stepSeconds: dashboard.stepSeconds,
      });
      for (const line of dashboard.series) {
        const series = direct.find((s) => s.metric.endpoint === line.endpoint && s.metric.variant === line.variant);
        const expected = (series?.values ?? [])
          .filter((v) => !Number.isNaN(v.value))
          .map((v) => [v.timestamp, v.value]);
        const charted = line.points.filter((p) => p[metric as "p99"] !== null).map((p) => [p.t, p[metric as "p99"]]);
        expect(charted, `${metric} of ${line.endpoint}`).toEqual(expected);
      }
    }
    const fraudLine = dashboard.series.find((l) => l.endpoint === "fraud");
    expect(fraudLine?.points.some((p) => p.rps !== null && p.rps > 0)).toBe(true);
  });

  it("shows the SLO burn against the default objective for endpoints the portal does not know: eta fails every request, fraud none", async () => {
    const { slo, end } = await latencyDashboard(metrics(), { range: "1h" });
    expect(slo.defaults).toEqual({ p99Ms: 100, availability: 0.999 });
    const byEndpoint = Object.fromEntries(slo.endpoints.map((e) => [e.endpoint, e]));
    for (const e of slo.endpoints) {
      expect(e).toMatchObject({
        endpointId: null,
        objective: { source: "default", p99TargetSeconds: 0.1, availability: 0.999, errorBudget: 0.001 },
      });
    }
    expect(byEndpoint.eta?.burn1h).toBeCloseTo(1000, 6);
    expect(byEndpoint.fraud?.burn1h).toBe(0);
    // Burn rate is the ratio query's value divided by the budget, per endpoint.
    const ratios = await prometheus.client.query(slo.queries.errorRatio1h, end);
    expect(byEndpoint.eta?.burn1h).toBe(ratios.find((s) => s.metric.endpoint === "eta")!.value / 0.001);
    const direct = await prometheus.client.query(slo.queries.p99, end);
    expect(byEndpoint.fraud?.p99).toBe(direct.find((s) => s.metric.endpoint === "fraud")?.value);
  });

  it("filters by endpoint with the name escaped, and returns nothing for an endpoint without traffic", async () => {
    const fraudOnly = await latencyDashboard(metrics(), { range: "15m", endpoint: "fraud" });
    expect(fraudOnly.rows.map((r) => r.endpoint)).toEqual(["fraud"]);
    const hostile = await latencyDashboard(metrics(), {
      range: "15m",
      endpoint: 'fraud"} or vector(1) or up{a="',
    });
    expect(hostile.rows).toEqual([]);
    expect(hostile.series).toEqual([]);
    expect(hostile.queries.summary.rps).toContain('endpoint="fraud\\"} or vector(1) or up{a=\\""');
  });

  it("answers UNAVAILABLE when Prometheus is down", async () => {
    const closed = new PrometheusClient(`http://127.0.0.1:${await freePort()}`);
    await expect(latencyDashboard(metrics(closed), { range: "1h" })).rejects.toMatchObject({
      constructor: AppError,
      code: "UNAVAILABLE",
    });
  });
});

describe("per-endpoint SLOs and latency-SLO alerts", () => {
  let scientist: Awaited<ReturnType<typeof givenUser>>;
  let eta: { id: string };
  let fraud: { id: string };

  beforeAll(async () => {
    scientist = await givenUser("DATA_SCIENTIST");
    const model = await db().registeredModel.create({
      data: {
        name: "slo-test-model",
        teamId: scientist.team.id,
        taskType: "REGRESSION",
        createdById: scientist.user.id,
      },
    });
    eta = await db().endpoint.create({
      data: { name: "eta", modelId: model.id, environment: "PRODUCTION", target: "LOCAL" },
    });
    fraud = await db().endpoint.create({
      data: { name: "fraud", modelId: model.id, environment: "STAGING", target: "LOCAL" },
    });
  });

  const alertRow = () => db().alert.findUniqueOrThrow({ where: { dedupeKey: sloAlertKey(eta.id) } });

  it("holds an endpoint to its own objective: a 99 % objective has a ten times larger budget, so a tenth of the burn", async () => {
    const saved = await setEndpointSlo(scientist.ctx, { endpointId: eta.id, p99Ms: 250, availability: 0.99 });
    expect(saved).toMatchObject({ sloP99Ms: 250, sloAvailability: 0.99 });
    const { slo } = await latencyDashboard(metrics(), { range: "1h" });
    const byEndpoint = Object.fromEntries(slo.endpoints.map((e) => [e.endpoint, e]));
    expect(byEndpoint.eta).toMatchObject({
      endpointId: eta.id,
      objective: { source: "endpoint", p99TargetSeconds: 0.25, availability: 0.99, errorBudget: 0.01 },
    });
    expect(byEndpoint.eta?.burn1h).toBeCloseTo(100, 6);
    expect(byEndpoint.fraud).toMatchObject({
      endpointId: fraud.id,
      objective: { source: "endpoint", p99TargetSeconds: 0.1, availability: 0.999 },
    });
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "endpoint.slo", entityId: eta.id } });
    expect(audit.before).toEqual({ p99Ms: 100, availability: 0.999 });
    expect(audit.after).toEqual({ p99Ms: 250, availability: 0.99 });
  });

  it("answers the same dashboard through tRPC as the service, for an end whose scrapes are all stored", async () => {
    const caller = await trpcCallerFor(scientist.user.id, { ...systemContextFromEnv(), prometheus: prometheus.client });
    // The last stored scrape, so no sample up to the end can still arrive between the two answers.
    const [lastScrape] = await prometheus.client.query("max(timestamp(up))");
    const at = new Date(Math.floor(lastScrape!.value) * 1000);
    for (const input of [{ range: "15m" }, { range: "1h", endpoint: "eta" }] as const) {
      const dashboard = await latencyDashboard(metrics(), { ...input, at });
      expect(dashboard.slo.endpoints.find((e) => e.endpoint === "eta")?.endpointId).toBe(eta.id);
      expect(await caller.latency.dashboard({ ...input, at })).toEqual(dashboard);
    }
  });

  it("refuses objectives out of range", async () => {
    await expect(
      setEndpointSlo(scientist.ctx, { endpointId: eta.id, p99Ms: 0.5, availability: 0.99 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      setEndpointSlo(scientist.ctx, { endpointId: eta.id, p99Ms: 100, availability: 0.999999 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      setEndpointSlo(scientist.ctx, { endpointId: "missing", p99Ms: 100, availability: 0.99 }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("raises a critical alert for the fast-burning endpoint only, and resolves it when the burn is within its budget", async () => {
    await setEndpointSlo(scientist.ctx, { endpointId: eta.id, p99Ms: 250, availability: 0.99 });
    const first = await checkLatencySlos(metrics());
    // fraud has no server errors, and fewer than 100 requests, too few for its p99 to warn about.
    expect(first).toEqual({ raised: [sloAlertKey(eta.id)], resolved: [] });
    const raised = await alertRow();
    expect(raised).toMatchObject({
      kind: "LATENCY_SLO",
      severity: "CRITICAL",
      endpointId: eta.id,
      resolvedAt: null,
      title: "eta is burning its error budget fast",
    });
    expect(raised.message).toContain(
      "The 1 h burn rate is 100.0× (fast burn from 14.4×): 100 % of requests in the last hour were server errors against an error budget of 1 %",
    );
    expect((await listOpenAlerts(read())).map((a) => a.endpoint?.name)).toEqual(["eta"]);

    // Burn 1 / 0.1 = 10 is under the fast-burn threshold of 14.4.
    await setEndpointSlo(scientist.ctx, { endpointId: eta.id, p99Ms: 250, availability: 0.9 });
    expect(await checkLatencySlos(metrics())).toEqual({ raised: [], resolved: [sloAlertKey(eta.id)] });
    expect((await alertRow()).resolvedAt).not.toBeNull();
    expect(await checkLatencySlos(metrics())).toEqual({ raised: [], resolved: [] });
  });

  it("keeps a dismissed alert dismissed while the burn lasts, and resolves once the hour holds no more errors", async () => {
    await setEndpointSlo(scientist.ctx, { endpointId: eta.id, p99Ms: 250, availability: 0.99 });
    expect((await checkLatencySlos(metrics())).raised).toEqual([sloAlertKey(eta.id)]);
    await dismissAlert(scientist.ctx, { alertId: (await alertRow()).id });
    expect(await checkLatencySlos(metrics())).toEqual({ raised: [], resolved: [] });
    expect((await alertRow()).resolvedAt).not.toBeNull();

    // Two hours on, the 1 h window holds no requests: neither condition holds, and the dismissal is forgotten.
    const later = new Date(Date.now() + 2 * 3_600_000);
    expect(await checkLatencySlos(metrics(prometheus.client, later))).toEqual({ raised: [], resolved: [] });
    expect((await alertRow()).details).not.toHaveProperty("dismissedById");
    expect((await checkLatencySlos(metrics())).raised).toEqual([sloAlertKey(eta.id)]);
    expect(await checkLatencySlos(metrics(prometheus.client, later))).toEqual({
      raised: [],
      resolved: [sloAlertKey(eta.id)],
    });
  });
});

describe("the project's Prometheus set-up", () => {
  it("writes a config promtool accepts, scraping the runtime and the worker", async () => {
    const file = path.join(modelDirectory.directory, "prometheus.yml");
    const jobs = projectScrapeJobs({ runtimeUrl: "http://127.0.0.1:8500", workerMetricsPort: 9464 });
    await writeFile(file, renderPrometheusConfig({ scrapeIntervalSeconds: 5, jobs }));
    expect(execFileSync("promtool", ["check", "config", file], { encoding: "utf8" })).toContain("SUCCESS");
    expect(jobs.map((j) => j.targets[0])).toEqual(["127.0.0.1:8500", "127.0.0.1:9464"]);
  });

  it("serves the worker's metrics, queue depth read from Redis, in a form promtool accepts", async () => {
    // A lone worker process leads: it exports the queue depths (read from Redis, shared by every worker).
    exportClusterGauges(() => true);
    workerMetrics.watchedQueues.add("latency-test-queue");
    workerMetrics.jobs.inc({ queue: "latency-test-queue", outcome: "completed" });
    const { server, port } = await serveWorkerMetrics(0);
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    // A kubelet's probe, and nothing else answered.
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text()).toBe("ok\n");
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    server.close();
    expect(text).toContain('modelport_worker_queue_jobs{queue="latency-test-queue",state="waiting"} 0');
    expect(text).toContain('modelport_worker_jobs_total{queue="latency-test-queue",outcome="completed"} 1');
    expect(execFileSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" })).toBe("");
  });
});
