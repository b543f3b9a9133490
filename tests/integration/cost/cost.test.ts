import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuiltModel } from "@/training/catalog";
import { rowObject } from "@/training/dataset";
import { writeModels, type ManifestEntry } from "@/training/write-models";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { hostPort } from "@/server/integrations/prometheus/config";
import { RuntimeControlClient } from "@/server/integrations/local-runtime/runtime-control-client";
import { dismissAlert, listOpenAlerts } from "@/server/services/alerts/alerts";
import type { SystemContext } from "@/server/services/context";
import { budgetAlertKey, checkBudgets } from "@/server/services/cost/budget-alerts";
import { setTeamBudget, teamForecasts } from "@/server/services/cost/budgets";
import { costOverview } from "@/server/services/cost/cost-overview";
import { costTrend } from "@/server/services/cost/cost-trend";
import { upsertPrice } from "@/server/services/cost/pricing";
import { givenUser } from "@/tests/integration/fixtures";
import {
  inParallel,
  postJson,
  startRuntime,
  temporaryDirectory,
  type RunningRuntime,
} from "@/tests/integration/runtime/runtime-process";
import { startPrometheus, type RunningPrometheus } from "@/tests/integration/support/prometheus-process";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

const ENDPOINT = "cost-fraud";
const PRICE = 0.115;
const INSTANCES = 2;
const REQUESTS = 40;
const ROWS_PER_REQUEST = 5;

let runtime: RunningRuntime;
let prometheus: RunningPrometheus;
let models: BuiltModel[];
let manifest: ManifestEntry[];
let modelDirectory: Awaited<ReturnType<typeof temporaryDirectory>>;
let manager: Awaited<ReturnType<typeof givenUser>>;
let window: { start: Date; end: Date };

/** What a tRPC caller here works with: this file's Prometheus, and "now" fixed when given. */
const system = (now?: Date): SystemContext => {
  const fromEnv = systemContextFromEnv();
  return { ...fromEnv, prometheus: prometheus.client, clock: now ? () => now : fromEnv.clock };
};
const managerCaller = (now?: Date) => trpcCallerFor(manager.user.id, system(now));

/** Two scrapes apart: every sample up to now is stored and the next scrape has happened too. */
async function settleScrapes() {
  await prometheus.waitForScrape();
  await sleep(1500);
  await prometheus.waitForScrape();
}

beforeAll(async () => {
  modelDirectory = await temporaryDirectory("modelport-cost-models-");
  ({ models, manifest } = await writeModels(modelDirectory.directory));
  runtime = await startRuntime({ RUNTIME_INFERENCE_THREADS: "1" });
  prometheus = await startPrometheus({ targets: [hostPort(runtime.baseUrl)], scrapeIntervalSeconds: 1 });

  manager = await givenUser("MANAGER", "Cost team");
  const admin = await givenUser("ADMIN", "Platform");
  await upsertPrice(admin.ctx, { name: "ml.m5.large", target: "SAGEMAKER", hourlyUsd: PRICE, source: "test price" });
  const model = await db().registeredModel.create({
    data: { name: "fraud-gbt", teamId: manager.team.id, taskType: "CLASSIFICATION", createdById: manager.user.id },
  });
  await db().endpoint.create({
    data: { name: ENDPOINT, modelId: model.id, environment: "PRODUCTION", target: "LOCAL" },
  });

  const entry = manifest.find((m) => m.name === "fraud-gbt")!;
  const control = new RuntimeControlClient({ baseUrl: runtime.baseUrl, controlToken: runtime.controlToken });
  await control.putEndpoint(ENDPOINT, {
    variants: [
      {
        variantName: "fraud-gbt-v1",
        modelName: "fraud-gbt",
        modelVersion: 1,
        modelPath: path.join(modelDirectory.directory, entry.file),
        sha256: entry.sha256,
        signature: entry.signature,
        weight: 100,
        instanceType: "ml.m5.large",
        instanceCount: INSTANCES,
      },
    ],
  });
  await settleScrapes();
  const start = new Date();

  const test = models.find((m) => m.name === "fraud-gbt")!.test;
  const sent = await inParallel(REQUESTS, 4, async (i) => {
    const rows = Array.from({ length: ROWS_PER_REQUEST }, (_, j) => rowObject(test, (i * ROWS_PER_REQUEST + j) % 100));
    return (await postJson(`${runtime.baseUrl}/v1/endpoints/${ENDPOINT}/predict`, { rows })).status;
  });
  expect(sent.every((status) => status === 200)).toBe(true);
  await settleScrapes();
  window = { start, end: new Date() };
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await runtime?.stop();
  await modelDirectory?.remove();
});

describe("cost from real runtime metrics in a real Prometheus", () => {
  it("charges instance-seconds × price and counts exactly the predictions sent", async () => {
    const overview = await costOverview({ db: db(), prometheus: prometheus.client }, { ...window, stepSeconds: 1 });
    const rangeSeconds = (overview.window.end.getTime() - overview.window.start.getTime()) / 1000;
    const variant = overview.variants.find((v) => v.endpoint === ENDPOINT)!;
    expect(variant).toMatchObject({ variant: "fraud-gbt-v1", instanceType: "ml.m5.large", instancesNow: INSTANCES });
    // The variant was loaded the whole window, so it ran INSTANCES instances for every second of it.
    expect(variant.instanceSeconds).toBe(INSTANCES * rangeSeconds);

    // The same seconds read independently: a plain range query over the window's step points.
    const series = await prometheus.client.queryRange(`modelport_runtime_variant_instances{endpoint="${ENDPOINT}"}`, {
      start: new Date(overview.window.start.getTime() + 1000),
      end: overview.window.end,
      stepSeconds: 1,
    });
    const sampled = series.flatMap((s) => s.values).reduce((sum, p) => sum + p.value, 0);
    expect(sampled).toBe(variant.instanceSeconds);

    const expectedUsd = (variant.instanceSeconds * PRICE) / 3600;
    const endpointRow = overview.byEndpoint.find((r) => r.key === ENDPOINT)!;
    expect(endpointRow.usd).toBeCloseTo(expectedUsd, 10);
    expect(endpointRow.predictions).toBe(REQUESTS * ROWS_PER_REQUEST);
    expect(endpointRow.usdPerHourNow).toBeCloseTo(INSTANCES * PRICE, 10);
    expect(endpointRow.usdPerDayNow).toBeCloseTo(INSTANCES * PRICE * 24, 10);
    expect(endpointRow.usdPer1kPredictions).toBeCloseTo((expectedUsd / (REQUESTS * ROWS_PER_REQUEST)) * 1000, 10);
    expect(overview.byModel.find((r) => r.label === "fraud-gbt")?.usd).toBeCloseTo(expectedUsd, 10);
    expect(overview.byTeam.find((r) => r.label === "Cost team")?.usd).toBeCloseTo(expectedUsd, 10);

    // Every number comes with the PromQL that produced it, and rerunning it gives the same answer.
    const secondsQuery = overview.promql[0]!;
    const rerun = await prometheus.client.query(secondsQuery.promql, secondsQuery.time);
    expect(rerun.find((s) => s.metric.endpoint === ENDPOINT)?.value).toBe(variant.instanceSeconds);

    expect(await (await managerCaller()).cost.overview({ ...window, stepSeconds: 1 })).toEqual(overview);
  });

  it("draws a $/hour trend from the same gauges", async () => {
    const trend = await costTrend({ db: db(), prometheus: prometheus.client }, { ...window, stepSeconds: 1 });
    expect(trend.points.length).toBeGreaterThan(1);
    for (const point of trend.points) expect(point.usdPerHour).toBeCloseTo(INSTANCES * PRICE, 10);
    expect(trend.teams.map((t) => t.teamName)).toEqual(["Cost team"]);
    expect(await (await managerCaller()).cost.trend({ ...window, stepSeconds: 1 })).toEqual(trend);
  });

  it("raises a budget alert when the forecast exceeds the budget and resolves it when it no longer does", async () => {
    const service = { db: db(), prometheus: prometheus.client, clock: () => new Date() };
    const before = (await teamForecasts(service)).forecasts.find((f) => f.teamId === manager.team.id)!;
    expect(before.usdPerHourNow).toBeCloseTo(INSTANCES * PRICE, 10);
    expect(before.forecastUsd).toBeGreaterThan(before.monthToDateUsd);

    const between = Number(((before.monthToDateUsd + before.forecastUsd) / 2).toFixed(2));
    await setTeamBudget(manager.ctx, { teamId: manager.team.id, monthlyUsd: between });
    const raised = await checkBudgets(service);
    const key = budgetAlertKey(manager.team.id, raised.month);
    expect(raised.raised).toContain(key);
    const open = await db().alert.findUniqueOrThrow({ where: { dedupeKey: key } });
    expect(open).toMatchObject({
      kind: "BUDGET_FORECAST",
      severity: "WARNING",
      teamId: manager.team.id,
      resolvedAt: null,
    });
    expect((await listOpenAlerts(service)).map((a) => a.id)).toContain(open.id);

    // Running the check again keeps one alert; a dismissed one stays dismissed while it does not escalate.
    const again = await checkBudgets(service);
    expect(await (await managerCaller()).cost.checkBudgets()).toEqual(again);
    expect(again).toEqual({ month: raised.month, raised: [key], resolved: [] });
    expect(await db().alert.count({ where: { teamId: manager.team.id } })).toBe(1);
    await dismissAlert(manager.ctx, { alertId: open.id });
    await checkBudgets(service);
    expect((await db().alert.findUniqueOrThrow({ where: { dedupeKey: key } })).resolvedAt).not.toBeNull();

    // Back over after a lower budget, then under again after a generous one.
    await db().alert.update({ where: { dedupeKey: key }, data: { resolvedAt: null, details: {} } });
    await setTeamBudget(manager.ctx, { teamId: manager.team.id, monthlyUsd: Math.ceil(before.forecastUsd * 10) + 1 });
    const resolved = await checkBudgets(service);
    expect(resolved.resolved).toContain(key);
    expect((await db().alert.findUniqueOrThrow({ where: { dedupeKey: key } })).resolvedAt).not.toBeNull();
    expect(await db().auditLog.count({ where: { action: "budget.set", entityId: manager.team.id } })).toBe(2);

    // The forecasts through tRPC, "now" fixed at the end of the measured window on both sides.
    const forecasts = await teamForecasts(system(window.end));
    expect(forecasts.forecasts.find((f) => f.teamId === manager.team.id)?.status).toBe("UNDER");
    expect(await (await managerCaller(window.end)).cost.budgets()).toEqual(forecasts);
  });
});
