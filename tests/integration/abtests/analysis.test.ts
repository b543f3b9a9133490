import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { abAnalysisSchema, type AbAnalysis } from "@/contracts/abtest-analysis";
import { db } from "@/server/db/client";
import { PrometheusClient, type PrometheusSource } from "@/server/integrations/prometheus/client";
import { analyzeTest } from "@/server/services/abtests/analysis/analyze-test";
import { planTest } from "@/server/services/abtests/pre-registration";
import { ensureDefaultPrices } from "@/server/services/cost/default-prices";
import { givenUser } from "@/tests/integration/fixtures";
import { ENTERED_ACCURACY_PLAN } from "@/tests/integration/support/entered-plan";
import { givenCapturedPredictions } from "@/tests/integration/support/captured-predictions";
import { LoopbackServer } from "@/tests/integration/support/loopback-server";
import { startPrometheus, type RunningPrometheus } from "@/tests/integration/support/prometheus-process";

const MINUTE = 60_000;
const ENDPOINT = "ab-analysis";
const CHAMPION = "abm-v1";
const CHALLENGER = "abm-v2";

/** What the stand-in runtime exports: per-variant requests by status, latency buckets, instances and rows predicted. */
type VariantTraffic = { ok: number; failed: number; buckets: [number, number, number, number] };
const LE = ["0.05", "0.1", "0.25", "+Inf"];
let traffic: Record<string, VariantTraffic> = {
  [CHAMPION]: { ok: 0, failed: 0, buckets: [0, 0, 0, 0] },
  [CHALLENGER]: { ok: 0, failed: 0, buckets: [0, 0, 0, 0] },
};

function exposition(): string {
  const lines = [
    "# TYPE modelport_runtime_requests_total counter",
    "# TYPE modelport_runtime_request_duration_seconds histogram",
    "# TYPE modelport_runtime_variant_instances gauge",
    "# TYPE modelport_runtime_predicted_rows_total counter",
  ];
  for (const [variant, t] of Object.entries(traffic)) {
    const labels = `endpoint="${ENDPOINT}",variant="${variant}"`;
    lines.push(`modelport_runtime_requests_total{${labels},status="200"} ${t.ok}`);
    lines.push(`modelport_runtime_requests_total{${labels},status="500"} ${t.failed}`);
    t.buckets.forEach((count, i) =>
      lines.push(`modelport_runtime_request_duration_seconds_bucket{${labels},le="${LE[i]}"} ${count}`),
    );
    lines.push(`modelport_runtime_request_duration_seconds_count{${labels}} ${t.buckets[3]}`);
    lines.push(`modelport_runtime_request_duration_seconds_sum{${labels}} 0`);
    lines.push(`modelport_runtime_variant_instances{${labels},instance_type="local-cpu"} 1`);
    lines.push(`modelport_runtime_predicted_rows_total{${labels}} ${t.ok}`);
  }
  return lines.join("\n") + "\n";
}

const runtime = new LoopbackServer((_, response) => {
  response.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
  response.end(exposition());
});
let prometheus: RunningPrometheus;
const testStart = new Date(Date.now() - 3 * 3600_000);

beforeAll(async () => {
  const host = await runtime.start();
  prometheus = await startPrometheus({ targets: [host], scrapeIntervalSeconds: 1 });
  await prometheus.waitForScrape();
  // Champion: 0.5 % server errors, 10/2010 slower than 100 ms; challenger: 2 %, 100/2000 slower (p99 over 100 ms).
  traffic = {
    [CHAMPION]: { ok: 2000, failed: 10, buckets: [1900, 2000, 2010, 2010] },
    [CHALLENGER]: { ok: 1960, failed: 40, buckets: [1700, 1900, 2000, 2000] },
  };
  await prometheus.waitForScrape();
  await prometheus.waitForScrape();
  // Cost windows end on a whole 15 s step (cost-math.ts alignWindow): wait for one past the traffic.
  await sleep(15_000 - (Date.now() % 15_000) + 1000);
}, 90_000);

afterAll(async () => {
  await prometheus?.stop();
  await runtime.stop();
});

const context = (prometheusSource: PrometheusSource = prometheus.client, at?: Date) => ({
  db: db(),
  prometheus: prometheusSource,
  clock: () => at ?? new Date(),
});

/** A running 50/50 classifier test started three hours ago, with a label delay of one hour. */
async function givenRunningTest(endpointName = ENDPOINT) {
  const owner = await givenUser("DATA_SCIENTIST", "AB analysis team");
  const model = await db().registeredModel.create({
    data: {
      name: `abm-${randomUUID().slice(0, 8)}`,
      teamId: owner.team.id,
      taskType: "CLASSIFICATION",
      createdById: owner.user.id,
      labelDelayMinutes: 60,
    },
  });
  const versions = await Promise.all(
    [1, 2].map((version) =>
      db().modelVersion.create({ data: { modelId: model.id, version, format: "ONNX", createdById: owner.user.id } }),
    ),
  );
  const endpoint = await db().endpoint.create({
    data: { name: endpointName, modelId: model.id, environment: "STAGING", target: "LOCAL", sloP99Ms: 100 },
  });
  const plan = planTest(
    ENTERED_ACCURACY_PLAN,
    [
      { variantName: CHAMPION, weight: 50, champion: true },
      { variantName: CHALLENGER, weight: 50, champion: false },
    ],
    100,
    testStart,
  );
  const test = await db().abTest.create({
    data: {
      name: `t-${randomUUID().slice(0, 6)}`,
      endpointId: endpoint.id,
      status: "RUNNING",
      assignment: "REQUEST",
      salt: randomUUID(),
      preRegistration: plan,
      metrics: [
        { key: "error_rate", role: "GUARDRAIL" },
        { key: "latency_p99", role: "GUARDRAIL" },
        { key: "latency_p95", role: "SECONDARY" },
        { key: "cost_per_1k", role: "SECONDARY" },
        { key: "score_shift", role: "SECONDARY" },
      ],
      createdById: owner.user.id,
      startedAt: testStart,
      arms: {
        create: [
          { versionId: versions[0]!.id, role: "CHAMPION", variantName: CHAMPION, weight: 50 },
          { versionId: versions[1]!.id, role: "CHALLENGER", variantName: CHALLENGER, weight: 50 },
        ],
      },
    },
  });
  return { test, endpoint };
}

type Prediction = { variant: string; at: Date; right?: boolean; score?: number; captureProbability?: number };

/** Captured live predictions, each with a feedback outcome when `right` is given (right or wrong). */
async function givenPredictions(endpoint: { id: string; name: string }, predictions: Prediction[]) {
  const rows = await givenCapturedPredictions(
    predictions.map((p) => ({
      endpointId: endpoint.id,
      endpointName: endpoint.name,
      variantName: p.variant,
      predictedAt: p.at,
      score: p.score ?? 0.8,
      captureProbability: p.captureProbability ?? 1,
      rowIndex: 0,
    })),
  );
  await db().predictionOutcome.createMany({
    data: predictions.flatMap((p, i) =>
      p.right === undefined
        ? []
        : [
            {
              predictionId: rows[i]!.id,
              source: "FEEDBACK" as const,
              endpointId: endpoint.id,
              variantName: p.variant,
              predictedAt: p.at,
              predictedLabel: "1",
              label: p.right ? "1" : "0",
              inclusionProbability: p.captureProbability ?? 1,
              knownAt: new Date(),
            },
          ],
    ),
  });
  return rows;
}

const times = (n: number, make: (i: number) => Prediction) => Array.from({ length: n }, (_, i) => make(i));
const old = (i: number) => new Date(testStart.getTime() + 10 * MINUTE + i * 1000);
const young = (i: number) => new Date(Date.now() - 10 * MINUTE + i * 1000);
const comparison = (analysis: AbAnalysis, metric: string) =>
  analysis.comparisons.find((c) => c.metric === metric && c.variantName === CHALLENGER)!;

describe("analyzeTest", () => {
  it("uses outcomes older than the label delay, reports the waiting share, leaves shadow mirrors out, reads Prometheus", async () => {
    await ensureDefaultPrices({ db: db() });
    const { test, endpoint } = await givenRunningTest();
    const live = await givenPredictions(endpoint, [
      // Champion: 100 old with outcomes (80 right), 20 old still without one, 30 young whose early feedback must wait,
      // and 20 young captured at 50 % (each stands for two predictions).
      ...times(100, (i) => ({ variant: CHAMPION, at: old(i), right: i < 80 })),
      ...times(20, (i) => ({ variant: CHAMPION, at: old(200 + i) })),
      ...times(30, (i) => ({ variant: CHAMPION, at: young(i), right: false })),
      ...times(20, (i) => ({ variant: CHAMPION, at: young(100 + i), captureProbability: 0.5 })),
      // Challenger: 100 old with outcomes (90 right), scores lower, and 10 young.
      ...times(100, (i) => ({ variant: CHALLENGER, at: old(300 + i), right: i < 90, score: 0.6 })),
      ...times(10, (i) => ({ variant: CHALLENGER, at: young(200 + i) })),
    ]);
    // 50 shadow mirrors of the challenger on the champion's first live predictions; 10 disagree at the 0.5 threshold.
    await givenCapturedPredictions(
      times(50, (i) => ({ variant: CHALLENGER, at: old(i) })).map((p, i) => ({
        endpointId: endpoint.id,
        endpointName: endpoint.name,
        variantName: p.variant,
        predictedAt: new Date(p.at.getTime() + 50),
        score: i < 10 ? 0.3 : 0.9,
        rowIndex: 0,
        mirrorOf: live[i]!.requestId,
      })),
    );

    const analysis = await analyzeTest(context(), test.id);

    const accuracy = comparison(analysis, "accuracy");
    expect(accuracy.control).toEqual({ variantName: CHAMPION, units: 100, value: 0.8 });
    expect(accuracy.treatment).toEqual({ variantName: CHALLENGER, units: 100, value: 0.9 });
    expect(accuracy.estimate).toBeCloseTo(0.1, 12);
    const arm = (name: string) => analysis.arms.find((a) => a.variantName === name)!;
    expect(arm(CHAMPION)).toMatchObject({ predictions: 190, waitingForOutcome: 90 });
    expect(arm(CHAMPION).waitingShare).toBeCloseTo(90 / 190, 12);
    expect(arm(CHALLENGER)).toMatchObject({ predictions: 110, waitingForOutcome: 10 });

    expect(analysis.shadow).toEqual([
      expect.objectContaining({ variantName: CHALLENGER, pairs: 50, measure: "class_disagreement", disagreement: 0.2 }),
    ]);
    const shift = analysis.scoreShift[0]!;
    expect(shift).toMatchObject({ controlRows: 170, treatmentRows: 110 });
    expect(shift.psi!).toBeGreaterThan(shift.expectedUnderNoShift! * 10);

    // Prometheus: the counters' increases are extrapolated alike for both statuses, so each arm's rate is exact.
    const errors = comparison(analysis, "error_rate");
    expect(errors.control.value).toBeCloseTo(10 / 2010, 3);
    expect(errors.treatment.value).toBeCloseTo(40 / 2000, 3);
    const p99 = analysis.quantiles.find((q) => q.metric === "latency_p99" && q.variantName === CHALLENGER)!;
    expect(p99).toMatchObject({ bucketLower: 0.1, bucketUpper: 0.25 });
    expect(comparison(analysis, "latency_p99").threshold).toMatchObject({ seconds: 0.1 });
    expect(comparison(analysis, "latency_p99").treatment.value).toBeCloseTo(0.05, 2);
    expect(analysis.srm.counts.map((c) => c.variantName)).toEqual([CHAMPION, CHALLENGER]);
    expect(analysis.srm.mismatch).toBe(false);
    expect(analysis.srm.pValue).not.toBeNull();
    expect(analysis.harm.map((h) => h.metric).sort()).toEqual(["error_rate", "latency_p99"]);
    expect(analysis.verdicts[0]).toMatchObject({ variantName: CHALLENGER, verdict: "harmful" });
    const cost = analysis.costs.find((c) => c.variantName === CHAMPION)!;
    expect(cost.usd).toBeGreaterThan(0);
    expect(cost.predictions).toBeGreaterThanOrEqual(2000);
    expect(cost.usdPer1k).toBeCloseTo((cost.usd! / cost.predictions!) * 1000, 12);
    expect(analysis.unavailable).toEqual([]);

    const stored = await db().abTest.findUniqueOrThrow({ where: { id: test.id } });
    // jsonb keeps 15 significant digits: the stored analysis is the returned one up to the last digit.
    const read = abAnalysisSchema.parse(stored.analysis);
    expect(read.verdicts).toEqual(analysis.verdicts);
    expect(read.harm).toEqual(analysis.harm);
    read.comparisons.forEach((c, i) => expect(c.pValue).toBeCloseTo(analysis.comparisons[i]!.pValue, 12));
    expect(stored.analyzedAt?.toISOString()).toBe(analysis.at);
    const looks = await db().abTestLook.findMany({ where: { testId: test.id } });
    expect(looks.map((l) => l.metric).sort()).toEqual([
      "accuracy",
      "cost_per_1k",
      "error_rate",
      "latency_p95",
      "latency_p99",
      "score_shift",
    ]);
  });

  it("writes an analysis with what is known when Prometheus is down, each metric saying why it has no value", async () => {
    const { test, endpoint } = await givenRunningTest(`${ENDPOINT}-down`);
    await givenPredictions(endpoint, [
      ...times(40, (i) => ({ variant: CHAMPION, at: old(i), right: i < 30 })),
      ...times(40, (i) => ({ variant: CHALLENGER, at: old(i), right: i < 32 })),
    ]);
    const down = new PrometheusClient("http://127.0.0.1:9", { timeoutMs: 2000 });

    const analysis = await analyzeTest(context(down), test.id);

    expect(comparison(analysis, "accuracy")).toMatchObject({ note: null });
    expect(comparison(analysis, "accuracy").control.units).toBe(40);
    for (const metric of ["error_rate", "latency_p99", "latency_p95"]) {
      expect(comparison(analysis, metric).note).toMatch(
        /^Prometheus unreachable: Prometheus at http:\/\/127\.0\.0\.1:9/,
      );
      expect(comparison(analysis, metric).pValue).toBe(1);
    }
    expect(analysis.costs.every((c) => c.usdPer1k === null && c.note?.startsWith("Prometheus unreachable"))).toBe(true);
    expect(analysis.srm).toMatchObject({ mismatch: false, pValue: null });
    expect(analysis.unavailable).toEqual([
      { source: "prometheus", reason: expect.stringMatching(/^Prometheus unreachable/) },
    ]);
    expect(analysis.harm).toEqual([]);
    const stored = await db().abTest.findUniqueOrThrow({ where: { id: test.id } });
    expect(stored.analyzedAt).not.toBeNull();
    expect(await db().abTestLook.count({ where: { testId: test.id, metric: "accuracy" } })).toBe(1);
  });

  it("carries the running p-value and intersected interval from one look to the next", async () => {
    const { test, endpoint } = await givenRunningTest(`${ENDPOINT}-looks`);
    const down = new PrometheusClient("http://127.0.0.1:9", { timeoutMs: 2000 });
    // First look: 70 % against 95 % right on 200 each, overwhelming evidence.
    await givenPredictions(endpoint, [
      ...times(200, (i) => ({ variant: CHAMPION, at: old(i), right: i < 140 })),
      ...times(200, (i) => ({ variant: CHALLENGER, at: old(i), right: i < 190 })),
    ]);
    const first = comparison(await analyzeTest(context(down, new Date()), test.id), "accuracy");
    expect(first.rejected).toBe(true);
    // Then many more outcomes with no difference at all: this look's own evidence is weak.
    await givenPredictions(endpoint, [
      ...times(800, (i) => ({ variant: CHAMPION, at: old(300 + i), right: i < 640 })),
      ...times(800, (i) => ({ variant: CHALLENGER, at: old(300 + i), right: i < 600 })),
    ]);
    const second = comparison(await analyzeTest(context(down, new Date(Date.now() + 1000)), test.id), "accuracy");
    expect(second.control.units).toBe(1000);
    expect(second.estimate).toBeCloseTo(0.79 - 0.78, 12);
    expect(second.pValue).toBe(first.pValue);
    // Intersected with the stored previous interval (read back from a float8 column, equal to 1e-12).
    expect(second.lower!).toBeGreaterThanOrEqual(first.lower! - 1e-12);
    expect(second.upper!).toBeLessThanOrEqual(first.upper! + 1e-12);
    const looks = await db().abTestLook.findMany({
      where: { testId: test.id, metric: "accuracy" },
      orderBy: { at: "asc" },
    });
    expect(looks.map((l) => l.pValue)).toEqual([first.pValue, second.pValue]);
    expect(looks.map((l) => l.treatmentUnits)).toEqual([200, 1000]);
  });

  it("two looks at once keep one chain: the later one continues the earlier, the earlier never overwrites the later", async () => {
    const { test, endpoint } = await givenRunningTest(`${ENDPOINT}-race`);
    const down = new PrometheusClient("http://127.0.0.1:9", { timeoutMs: 2000 });
    await givenPredictions(endpoint, [
      ...times(200, (i) => ({ variant: CHAMPION, at: old(i), right: i < 140 })),
      ...times(200, (i) => ({ variant: CHALLENGER, at: old(i), right: i < 190 })),
    ]);
    const now = Date.now();
    await Promise.all([
      analyzeTest(context(down, new Date(now)), test.id),
      analyzeTest(context(down, new Date(now + 1000)), test.id),
    ]);
    const looks = await db().abTestLook.findMany({
      where: { testId: test.id, metric: "accuracy" },
      orderBy: { at: "asc" },
    });
    const stored = await db().abTest.findUniqueOrThrow({ where: { id: test.id } });
    expect(stored.analyzedAt?.getTime()).toBe(now + 1000);
    expect(looks.at(-1)!.at.getTime()).toBe(now + 1000);
    for (let i = 1; i < looks.length; i++) expect(looks[i]!.pValue!).toBeLessThanOrEqual(looks[i - 1]!.pValue!);
  });

  it("refuses a test that has not started", async () => {
    const { test } = await givenRunningTest(`${ENDPOINT}-planned`);
    await db().abTest.update({ where: { id: test.id }, data: { status: "PLANNED", startedAt: null } });
    await expect(analyzeTest(context(), test.id)).rejects.toThrow(/has not started/);
    expect((await db().abTest.findUniqueOrThrow({ where: { id: test.id } })).analysis).toBeNull();
  });
});
