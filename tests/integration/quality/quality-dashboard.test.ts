import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "@/lib/mulberry32";
import { createCaller } from "@/server/api/root";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { rollUpCapturedDay } from "@/server/services/quality/captured-rollup";
import { qualityDashboard } from "@/server/services/quality/dashboard";
import { tFor } from "@/server/services/quality/estimators/student-t";
import type { EstimateOutput, QualityDashboard } from "@/server/services/quality/schemas";
import { givenUser } from "@/tests/integration/fixtures";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

const AT = new Date("2026-12-02T18:00:00Z");
const DAY = "2026-12-02";
const Z95 = 1.959963984540054;
const CLASSES = ["legit", "fraud"];

const random = mulberry32;

type Outcome = {
  predictionId: string;
  source: "REVIEW" | "FEEDBACK";
  variantName: string;
  predictedAt: Date;
  predictedLabel?: string | null;
  predictedValue?: number | null;
  score: number | null;
  label?: string | null;
  value?: number | null;
  inclusionProbability: number;
};

/**
 * Hájek ratio Σy/π ÷ Σx/π with its with-replacement linearised variance n/(n−1)·Σ(w·(y − R·x)/X)² (one stratum: all
 * rows here are of one day), written out apart from the service. Proportions get the Wilson interval at
 * n* = min(p(1−p)/V, rows)·(z/t)², other ratios R ± t·√V; t at n − 1 degrees of freedom (n = rows with x ≠ 0).
 */
function expectedRatio(terms: Array<{ y: number; x: number; pi: number }>, proportion = true) {
  const X = terms.reduce((s, t) => s + t.x / t.pi, 0);
  const R = terms.reduce((s, t) => s + t.y / t.pi, 0) / X;
  const rows = terms.length;
  const variance = (rows / (rows - 1)) * terms.reduce((s, t) => s + ((t.y - R * t.x) / t.pi / X) ** 2, 0);
  const n = terms.filter((t) => t.x !== 0).length;
  const t = tFor(0.95, n - 1);
  let interval: { lower: number; upper: number };
  if (proportion) {
    const size = Math.min((R * (1 - R)) / variance, n) * (Z95 / t) ** 2;
    const centre = (R + Z95 ** 2 / (2 * size)) / (1 + Z95 ** 2 / size);
    const half = (Z95 / (1 + Z95 ** 2 / size)) * Math.sqrt((R * (1 - R)) / size + Z95 ** 2 / (4 * size * size));
    interval = { lower: centre - half, upper: centre + half };
  } else interval = { lower: Math.max(0, R - t * Math.sqrt(variance)), upper: R + t * Math.sqrt(variance) };
  return { value: R, se: Math.sqrt(variance), n, interval };
}

function expectMatches(actual: EstimateOutput, expected: ReturnType<typeof expectedRatio>) {
  expect(expected.n).toBeGreaterThanOrEqual(30);
  expect(actual.status).toBe("measured");
  expect(actual.n).toBe(expected.n);
  expect(actual.value).toBeCloseTo(expected.value, 10);
  expect(actual.standardError).toBeCloseTo(expected.se, 10);
  expect(actual.standardError).toBeGreaterThan(0);
  expect(actual.interval!.lower).toBeCloseTo(expected.interval.lower, 10);
  expect(actual.interval!.upper).toBeCloseTo(expected.interval.upper, 10);
}

async function partition(day: string) {
  const compact = day.replaceAll("-", "");
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  await db().$executeRawUnsafe(
    `CREATE TABLE IF NOT EXISTS "CapturedPrediction_p${compact}" PARTITION OF "CapturedPrediction" FOR VALUES FROM ('${day}') TO ('${next}')`,
  );
}

async function capture(endpoint: { id: string; name: string }, variantName: string, day: string, count: number) {
  const ids = Array.from({ length: count }, () => randomUUID());
  await db().capturedPrediction.createMany({
    data: ids.map((id, i) => ({
      id,
      requestId: id,
      rowIndex: 0,
      predictedAt: new Date(Date.parse(`${day}T08:00:00Z`) + i * 1000),
      endpointId: endpoint.id,
      endpointName: endpoint.name,
      variantName,
      inputs: {},
      outputs: {},
      score: 0.5,
      latencyMs: 1,
    })),
  });
  return ids;
}

async function record(endpointId: string, outcomes: Outcome[]) {
  await db().predictionOutcome.createMany({
    data: outcomes.map((o) => ({ ...o, endpointId, knownAt: AT })),
  });
}

async function givenEndpoint(taskType: "CLASSIFICATION" | "REGRESSION", retentionDays = 30) {
  const { user, team } = await givenUser("DATA_SCIENTIST", "Quality owners");
  const suffix = randomUUID().slice(0, 8);
  const model = await db().registeredModel.create({
    data: {
      name: `quality-${taskType.toLowerCase()}-${suffix}`,
      teamId: team.id,
      taskType,
      createdById: user.id,
      outcomeClasses: taskType === "CLASSIFICATION" ? CLASSES : [],
    },
  });
  return db().endpoint.create({
    data: {
      name: `quality-${suffix}`,
      modelId: model.id,
      environment: "PRODUCTION",
      target: "LOCAL",
      captureRetentionDays: retentionDays,
    },
  });
}

const variantOf = (dashboard: QualityDashboard, endpointId: string, variant: string) =>
  dashboard.endpoints.find((e) => e.endpointId === endpointId)!.variants.find((v) => v.variantName === variant)!;

let classifier: Awaited<ReturnType<typeof givenEndpoint>>;
let reviews: Outcome[];
let feedback: Outcome[];

beforeAll(async () => {
  await partition("2026-12-01");
  await partition(DAY);
  classifier = await givenEndpoint("CLASSIFICATION");
  const blue = await capture(classifier, "blue", DAY, 200);
  await capture(classifier, "blue", "2026-12-01", 40);
  const green = await capture(classifier, "green", DAY, 50);
  const next = random(7);
  const outcomeOf = (predictionId: string, source: Outcome["source"], variantName: string, pi: number): Outcome => {
    const score = next();
    return {
      predictionId,
      source,
      variantName,
      predictedAt: new Date(`${DAY}T09:00:00Z`),
      predictedLabel: score >= 0.5 ? "fraud" : "legit",
      score,
      label: next() < score ? "fraud" : "legit",
      inclusionProbability: pi,
    };
  };
  // Review: 150 of blue's predictions at two probabilities; feedback: 90 (50 of them also reviewed).
  reviews = blue.slice(0, 150).map((id, i) => outcomeOf(id, "REVIEW", "blue", i % 3 === 0 ? 0.1 : 0.5));
  feedback = blue.slice(100, 190).map((id) => outcomeOf(id, "FEEDBACK", "blue", 1));
  await record(classifier.id, [
    ...reviews,
    ...feedback,
    ...green.slice(0, 10).map((id) => outcomeOf(id, "REVIEW", "green", 0.5)),
  ]);
});

const precisionTerms = (rows: Outcome[], label: string) =>
  rows.map((r) => ({
    y: r.predictedLabel === label && r.label === label ? 1 : 0,
    x: r.predictedLabel === label ? 1 : 0,
    pi: r.inclusionProbability,
  }));
const recallTerms = (rows: Outcome[], label: string) =>
  rows.map((r) => ({
    y: r.predictedLabel === label && r.label === label ? 1 : 0,
    x: r.label === label ? 1 : 0,
    pi: r.inclusionProbability,
  }));
const f1Terms = (rows: Outcome[], label: string) =>
  rows.map((r) => ({
    y: r.predictedLabel === label && r.label === label ? 2 : 0,
    x: (r.predictedLabel === label ? 1 : 0) + (r.label === label ? 1 : 0),
    pi: r.inclusionProbability,
  }));

describe("quality of a classifier endpoint", () => {
  it("review: precision, recall, F1 per class and accuracy, weighted by 1/π, per day and over the range", async () => {
    const { ctx } = await givenUser("VIEWER");
    const dashboard = await qualityDashboard(ctx, { source: "review", endpointId: classifier.id, at: AT });
    expect(dashboard.days).toHaveLength(7);
    expect(dashboard.days.at(-1)).toBe(DAY);
    const blue = variantOf(dashboard, classifier.id, "blue");
    const today = blue.days.find((d) => d.day === DAY)!;
    for (const segment of [today, blue.total]) {
      expect(segment.labelled).toBe(150);
      for (const label of CLASSES) {
        const c = segment.classification!.classes.find((k) => k.label === label)!;
        expectMatches(c.precision, expectedRatio(precisionTerms(reviews, label)));
        expectMatches(c.recall, expectedRatio(recallTerms(reviews, label)));
        expectMatches(c.f1, expectedRatio(f1Terms(reviews, label)));
      }
      expectMatches(
        segment.classification!.accuracy,
        expectedRatio(
          reviews.map((r) => ({ y: r.predictedLabel === r.label ? 1 : 0, x: 1, pi: r.inclusionProbability })),
        ),
      );
    }
    expect(today.captured).toBe(200);
    expect(today.unknownShare).toBeCloseTo(1 - 150 / 200, 12);
    expect(blue.total.captured).toBe(240);
    expect(blue.total.unknownShare).toBeCloseTo(1 - 150 / 240, 12);
    const yesterday = blue.days.find((d) => d.day === "2026-12-01")!;
    expect(yesterday).toMatchObject({ labelled: 0, captured: 40, known: 0, unknownShare: 1 });
    expect(yesterday.classification!.accuracy.status).toBe("insufficient");
    expect(blue.days.find((d) => d.day === "2026-11-30")).toMatchObject({ captured: 0, unknownShare: null });
  });

  it("calibration bins weight the observed fraud rate by 1/π over the range", async () => {
    const { ctx } = await givenUser("VIEWER");
    const dashboard = await qualityDashboard(ctx, { source: "review", endpointId: classifier.id, at: AT });
    const calibration = variantOf(dashboard, classifier.id, "blue").total.classification!.calibration!;
    expect(calibration.n).toBe(150);
    let gap = 0;
    let total = 0;
    calibration.bins.forEach((bin, b) => {
      const inBin = reviews.filter((r) => Math.min(9, Math.floor(r.score! * 10)) === b);
      const expected = expectedRatio(
        inBin.map((r) => ({ y: r.label === "fraud" ? 1 : 0, x: 1, pi: r.inclusionProbability })),
      );
      expect(bin.observedRate.n).toBe(inBin.length);
      if (inBin.length >= dashboard.minLabelled) expect(bin.observedRate.value).toBeCloseTo(expected.value, 10);
      else expect(bin.observedRate.status).toBe("insufficient");
      if (inBin.length > 0) {
        const weight = inBin.reduce((s, r) => s + 1 / r.inclusionProbability, 0);
        const mean = inBin.reduce((s, r) => s + r.score! / r.inclusionProbability, 0) / weight;
        expect(bin.meanScore).toBeCloseTo(mean, 10);
        gap += weight * Math.abs(expected.value - mean);
        total += weight;
      }
    });
    expect(calibration.expectedCalibrationError).toBeCloseTo(gap / total, 10);
  });

  it("feedback uses API outcomes only, with an interval of positive width although π = 1", async () => {
    const { ctx } = await givenUser("VIEWER");
    const dashboard = await qualityDashboard(ctx, { source: "feedback", endpointId: classifier.id, at: AT });
    const today = variantOf(dashboard, classifier.id, "blue").days.find((d) => d.day === DAY)!;
    expect(today.labelled).toBe(90);
    expect(today.unknownShare).toBeCloseTo(1 - 90 / 200, 12);
    const fraud = today.classification!.classes.find((c) => c.label === "fraud")!;
    expectMatches(fraud.precision, expectedRatio(precisionTerms(feedback, "fraud")));
    expect(fraud.precision.interval!.upper - fraud.precision.interval!.lower).toBeGreaterThan(0.05);
  });

  it("combined takes feedback over review per prediction and counts each prediction once", async () => {
    const { ctx } = await givenUser("VIEWER");
    const dashboard = await qualityDashboard(ctx, { source: "combined", endpointId: classifier.id, at: AT });
    const today = variantOf(dashboard, classifier.id, "blue").days.find((d) => d.day === DAY)!;
    const fed = new Set(feedback.map((f) => f.predictionId));
    const combined = [...feedback, ...reviews.filter((r) => !fed.has(r.predictionId))];
    expect(combined).toHaveLength(190);
    expect(today.labelled).toBe(190);
    expect(today.known).toBe(190);
    expect(today.unknownShare).toBeCloseTo(1 - 190 / 200, 12);
    const fraud = today.classification!.classes.find((c) => c.label === "fraud")!;
    expectMatches(fraud.recall, expectedRatio(recallTerms(combined, "fraud")));
  });

  it("withholds every number behind fewer labelled rows than the minimum", async () => {
    const { ctx } = await givenUser("VIEWER");
    const dashboard = await qualityDashboard(ctx, { source: "review", endpointId: classifier.id, at: AT });
    const green = variantOf(dashboard, classifier.id, "green").total;
    expect(green.labelled).toBe(10);
    expect(green.unknownShare).toBeCloseTo(1 - 10 / 50, 12);
    const accuracy = green.classification!.accuracy;
    expect(accuracy).toMatchObject({ status: "insufficient", value: null, interval: null, n: 10 });
  });
});

describe("feedback weighted by each day's feedback rate", () => {
  it("a range weights a day by 1/(known/captured), and the variance is stratified by day", async () => {
    const endpoint = await givenEndpoint("CLASSIFICATION");
    const yesterday = "2026-12-01";
    const old = await capture(endpoint, "blue", yesterday, 100);
    const recent = await capture(endpoint, "blue", DAY, 100);
    // Yesterday 40 of 100 got feedback (36 right), today 20 of 100 (10 right); every prediction says fraud.
    const fed = (ids: string[], day: string, right: number): Outcome[] =>
      ids.map((predictionId, i) => ({
        predictionId,
        source: "FEEDBACK",
        variantName: "blue",
        predictedAt: new Date(`${day}T09:00:00Z`),
        predictedLabel: "fraud",
        score: 0.9,
        label: i < right ? "fraud" : "legit",
        inclusionProbability: 1,
      }));
    await record(endpoint.id, [...fed(old.slice(0, 40), yesterday, 36), ...fed(recent.slice(0, 20), DAY, 10)]);
    const { ctx } = await givenUser("VIEWER");
    const dashboard = await qualityDashboard(ctx, { source: "feedback", endpointId: endpoint.id, at: AT });
    const total = variantOf(dashboard, endpoint.id, "blue").total;
    expect(total.unknownShare).toBeCloseTo(1 - 60 / 200, 12);
    const precision = total.classification!.classes.find((c) => c.label === "fraud")!.precision;
    // (36/0.4 + 10/0.2) / (40/0.4 + 20/0.2) = 140/200, not the complete-case 46/60.
    expect(precision.value).toBeCloseTo(0.7, 12);
    const u = (y: number, w: number) => (w * (y - 0.7)) / 200;
    const stratum = (ys: number[], w: number) => {
      const values = ys.map((y) => u(y, w));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return (values.length / (values.length - 1)) * values.reduce((a, b) => a + (b - mean) ** 2, 0);
    };
    const ones = (count: number, of: number) => Array.from({ length: of }, (_, i) => (i < count ? 1 : 0));
    const variance = stratum(ones(36, 40), 2.5) + stratum(ones(10, 20), 5);
    expect(precision.standardError).toBeCloseTo(Math.sqrt(variance), 12);
    expect(precision.interval!.lower).toBeLessThan(0.7);
    expect(precision.interval!.upper).toBeGreaterThan(0.7);
  });
});

describe("quality of a regressor endpoint", () => {
  it("MAE and RMSE from feedback, and no unknown share for days the log no longer holds", async () => {
    const endpoint = await givenEndpoint("REGRESSION", 1);
    const ids = await capture(endpoint, "blue", DAY, 40);
    const next = random(3);
    const outcomes: Outcome[] = ids.slice(0, 35).map((predictionId) => {
      const predicted = 20 + next() * 20;
      return {
        predictionId,
        source: "FEEDBACK",
        variantName: "blue",
        predictedAt: new Date(`${DAY}T10:00:00Z`),
        predictedValue: predicted,
        score: predicted,
        value: predicted + (next() - 0.5) * 8,
        inclusionProbability: 0.25,
      };
    });
    await record(endpoint.id, [
      ...outcomes,
      {
        predictionId: randomUUID(),
        source: "FEEDBACK",
        variantName: "blue",
        predictedAt: new Date("2026-11-29T10:00:00Z"),
        predictedValue: 30,
        score: 30,
        value: 31,
        inclusionProbability: 0.25,
      },
    ]);
    const { ctx } = await givenUser("VIEWER");
    const dashboard = await qualityDashboard(ctx, { source: "feedback", endpointId: endpoint.id, at: AT });
    expect(dashboard.endpoints[0]!.kind).toBe("regression");
    const today = variantOf(dashboard, endpoint.id, "blue").days.find((d) => d.day === DAY)!;
    const errors = outcomes.map((o) => ({ e: o.predictedValue! - o.value!, pi: o.inclusionProbability }));
    expectMatches(
      today.regression!.mae,
      expectedRatio(
        errors.map((r) => ({ y: Math.abs(r.e), x: 1, pi: r.pi })),
        false,
      ),
    );
    const mse = expectedRatio(
      errors.map((r) => ({ y: r.e ** 2, x: 1, pi: r.pi })),
      false,
    );
    expect(today.regression!.rmse.value).toBeCloseTo(Math.sqrt(mse.value), 10);
    expect(today.regression!.rmse.standardError).toBeCloseTo(mse.se / (2 * Math.sqrt(mse.value)), 10);
    expect(today.regression!.rmse.interval!.upper).toBeCloseTo(Math.sqrt(mse.interval.upper), 10);
    expect(today.unknownShare).toBeCloseTo(1 - 35 / 40, 12);
    const old = variantOf(dashboard, endpoint.id, "blue").days.find((d) => d.day === "2026-11-29")!;
    expect(old).toMatchObject({ labelled: 1, captured: null, known: null, unknownShare: null });
    expect(old.regression!.mae.status).toBe("insufficient");
  });
});

describe("the quality router", () => {
  it("lets a viewer of another team read it, and names a missing endpoint and a bad range", async () => {
    const { user } = await givenUser("VIEWER", "Another team");
    const caller = await trpcCallerFor(user.id);
    const dashboard = await caller.quality.dashboard({ source: "review", at: AT });
    expect(dashboard.endpoints.map((e) => e.endpointId)).toContain(classifier.id);
    await expect(caller.quality.dashboard({ endpointId: "missing" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller.quality.dashboard({ range: "1y" as "7d" })).rejects.toBeInstanceOf(TRPCError);
    await expect(caller.quality.dashboard({ range: "1y" as "7d" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.quality.dashboard({ source: "labels" as "review" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(caller.quality.dashboard({ endpointId: "x\u0000" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("refuses someone who is not signed in", async () => {
    const anonymous = createCaller({ system: systemContextFromEnv(), user: null });
    await expect(anonymous.quality.dashboard({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("daily counts that outlive the prediction log", () => {
  it("a rolled-up day keeps its unknown share after its partition is dropped; rolling up is idempotent", async () => {
    const endpoint = await givenEndpoint("REGRESSION", 1);
    const old = "2026-11-20";
    await partition(old);
    const ids = await capture(endpoint, "blue", old, 12);
    await record(endpoint.id, [
      {
        predictionId: ids[0]!,
        source: "FEEDBACK",
        variantName: "blue",
        predictedAt: new Date(`${old}T08:00:00Z`),
        predictedValue: 30,
        score: 30,
        value: 31,
        inclusionProbability: 1,
      },
    ]);
    const { ctx } = await givenUser("VIEWER");
    const before = await qualityDashboard(ctx, { source: "feedback", endpointId: endpoint.id, at: AT, range: "30d" });
    expect(variantOf(before, endpoint.id, "blue").days.find((d) => d.day === old)!.unknownShare).toBeNull();

    const results = await Promise.all([rollUpCapturedDay(ctx, old), rollUpCapturedDay(ctx, old)]);
    expect(results.map((r) => r.rows)).toEqual([1, 1]);
    await rollUpCapturedDay(ctx, "2026-11-21");
    await db().$executeRawUnsafe(`DROP TABLE "CapturedPrediction_p20261120"`);

    const after = await qualityDashboard(ctx, { source: "feedback", endpointId: endpoint.id, at: AT, range: "30d" });
    const blue = variantOf(after, endpoint.id, "blue");
    expect(blue.days.find((d) => d.day === old)).toMatchObject({ captured: 12, known: 1 });
    expect(blue.days.find((d) => d.day === old)!.unknownShare).toBeCloseTo(11 / 12, 12);
    expect(blue.days.find((d) => d.day === "2026-11-21")).toMatchObject({ captured: 0, unknownShare: null });
    expect(blue.days.find((d) => d.day === "2026-11-22")).toMatchObject({ captured: null, unknownShare: null });
    expect(await db().capturedDailyCount.count({ where: { endpointId: endpoint.id } })).toBe(1);
  });

  it("refuses a day that is not YYYY-MM-DD and writes nothing", async () => {
    const { ctx } = await givenUser("VIEWER");
    const before = await db().capturedDayRollup.count();
    await expect(rollUpCapturedDay(ctx, "2026-13-45")).rejects.toThrow(RangeError);
    await expect(rollUpCapturedDay(ctx, "yesterday")).rejects.toThrow(RangeError);
    await expect(rollUpCapturedDay(ctx, "2026-02-30")).rejects.toThrow(RangeError);
    expect(await db().capturedDayRollup.count()).toBe(before);
  });
});
