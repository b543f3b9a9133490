import { describe, expect, it } from "vitest";
import { db, type Db } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import type { ReadContext } from "@/server/services/context";
import { compareRuns } from "@/server/services/experiments/compare-runs";
import { downsampleMinMax, PREVIEW_GRID_BUCKETS, PREVIEW_POINTS } from "@/server/services/experiments/curve-preview";
import { logBatch } from "@/server/services/experiments/log-batch";
import { PREVIEW_MAX_SERIES_POINTS, refreshPreviews } from "@/server/services/experiments/metric-previews";
import { givenUser } from "@/tests/integration/fixtures";
import { givenExperiment, givenRun, seedSeries, storedCurve } from "@/tests/integration/experiments/helpers";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

async function givenRuns(count: number) {
  const given = await givenUser("DATA_SCIENTIST");
  const experiment = await givenExperiment(given.ctx);
  const runs = [];
  for (let i = 0; i < count; i++) runs.push(await givenRun(given.ctx, experiment.id, { name: `run-${i}` }));
  return { ...given, experiment, runs };
}

/** A context whose database records the operations (queries) it is asked for. */
function countingContext(ctx: ReadContext) {
  const operations: string[] = [];
  const counted = db().$extends({
    query: {
      $allOperations({ model, operation, args, query }) {
        operations.push(`${model ?? "raw"}.${operation}`);
        return query(args);
      },
    },
  });
  return { operations, ctx: { ...ctx, db: counted as unknown as Db } };
}

const FROM_PREVIEWS = ["Run.findMany", "raw.$queryRaw"];
// The series (with previews) first, then the curves computed from the points.
const FROM_POINTS = ["Run.findMany", "raw.$queryRaw", "raw.$queryRaw"];

/** Checks a downsampled curve: within the limit, in step order, first and last kept, every point a stored one. */
function expectFaithful(
  points: { step: number; value: number }[],
  stored: { step: number; value: number }[],
  maxPoints: number,
) {
  expect(points.length).toBeLessThanOrEqual(maxPoints);
  expect(points[0]).toEqual(stored[0]);
  expect(points.at(-1)).toEqual(stored.at(-1));
  const steps = points.map((p) => p.step);
  expect(steps).toEqual([...new Set(steps)].sort((a, b) => a - b));
  const byStep = new Map(stored.map((p) => [p.step, p.value]));
  for (const point of points) expect(byStep.get(point.step)).toBe(point.value);
}

describe("compareRuns", () => {
  it("downsamples a 5,000-step series without a preview from its points, keeping first, last and extremes", async () => {
    const { ctx, runs } = await givenRuns(1);
    const runId = runs[0]?.id ?? "";
    // A smooth curve with one spike up at step 1234 and one down at step 4321.
    await seedSeries(
      runId,
      "loss",
      5000,
      Prisma.sql`CASE g WHEN 1234 THEN 50 WHEN 4321 THEN -50 ELSE sin(g / 100.0) END`,
    );
    for (const maxPoints of [10, 200, 500, 2000]) {
      const result = await compareRuns(ctx, { runIds: [runId], maxPoints });
      const series = result.series[0];
      expect(series?.totalPoints).toBe(5000);
      const points = series?.points ?? [];
      expect(points.length).toBeLessThanOrEqual(maxPoints);
      expect(points.length).toBeGreaterThan(maxPoints * 0.9);
      expect(points[0]?.step).toBe(0);
      expect(points.at(-1)?.step).toBe(4999);
      expect(points.find((p) => p.value === 50)?.step).toBe(1234);
      expect(points.find((p) => p.value === -50)?.step).toBe(4321);
      const steps = points.map((p) => p.step);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
      expect(new Set(steps).size).toBe(steps.length);
    }
    // Every returned point is a real point, and SQL buckets exactly as the JS downsampling does.
    const { points: stored, preview } = await storedCurve(runId, "loss");
    expect(preview).toBeNull();
    const counting = countingContext(ctx);
    const result = await compareRuns(counting.ctx, { runIds: [runId], maxPoints: 100 });
    expect(counting.operations).toEqual(FROM_POINTS);
    expectFaithful(result.series[0]?.points ?? [], stored, 100);
    expect(result.series[0]?.points).toEqual(downsampleMinMax(stored, 100));
  });

  it("serves a logged series from its preview, and reads the points only for more points than the preview holds", async () => {
    const { ctx, runs } = await givenRuns(1);
    const runId = runs[0]?.id ?? "";
    const metrics = Array.from({ length: 5000 }, (_, step) => ({
      key: "loss",
      step,
      value: step === 1234 ? 50 : step === 4321 ? -50 : Math.sin(step / 100),
    }));
    await logBatch(ctx, runId, { metrics });
    const { points: stored, preview } = await storedCurve(runId, "loss");
    expect(preview?.length).toBeLessThanOrEqual(2 * PREVIEW_GRID_BUCKETS + 2);
    for (const maxPoints of [10, 200, 500, PREVIEW_POINTS]) {
      const counting = countingContext(ctx);
      const result = await compareRuns(counting.ctx, { runIds: [runId], maxPoints });
      expect(counting.operations).toEqual(FROM_PREVIEWS);
      expect(result.pointsPerSeries).toBe(maxPoints);
      const points = result.series[0]?.points ?? [];
      expectFaithful(points, stored, maxPoints);
      expect(points.length).toBeGreaterThan(maxPoints * 0.9);
      expect(points).toContainEqual({ step: 1234, value: 50 });
      expect(points).toContainEqual({ step: 4321, value: -50 });
    }
    const counting = countingContext(ctx);
    const fine = await compareRuns(counting.ctx, { runIds: [runId], maxPoints: 2000 });
    expect(counting.operations).toEqual(FROM_POINTS);
    expect(fine.series[0]?.points).toEqual(downsampleMinMax(stored, 2000));
  });

  it("reads a series longer than PREVIEW_MAX_SERIES_POINTS from its points, next to one served from its preview", async () => {
    const { ctx, runs } = await givenRuns(2);
    const [long, short] = runs.map((r) => r.id) as [string, string];
    await seedSeries(
      long,
      "loss",
      PREVIEW_MAX_SERIES_POINTS - 1,
      Prisma.sql`CASE g WHEN 777 THEN 9 WHEN 33333 THEN -9 ELSE cos(g / 500.0) END`,
    );
    await logBatch(ctx, long, {
      metrics: [PREVIEW_MAX_SERIES_POINTS - 1, PREVIEW_MAX_SERIES_POINTS].map((step) => ({
        key: "loss",
        step,
        value: 0.5,
      })),
    });
    await logBatch(ctx, short, { metrics: [0, 1, 2].map((step) => ({ key: "loss", step, value: step })) });
    const { points: stored, preview } = await storedCurve(long, "loss");
    expect(stored).toHaveLength(PREVIEW_MAX_SERIES_POINTS + 1);
    expect(preview).toBeNull();

    const counting = countingContext(ctx);
    const result = await compareRuns(counting.ctx, { runIds: [long, short] });
    expect(counting.operations).toEqual(FROM_POINTS);
    expect(result.pointsPerSeries).toBe(500);
    const [longCurve, shortCurve] = result.series;
    expect(longCurve?.totalPoints).toBe(PREVIEW_MAX_SERIES_POINTS + 1);
    expectFaithful(longCurve?.points ?? [], stored, 500);
    expect(longCurve?.points).toEqual(downsampleMinMax(stored, 500));
    expect(longCurve?.points).toContainEqual({ step: 777, value: 9 });
    expect(longCurve?.points).toContainEqual({ step: 33333, value: -9 });
    expect(shortCurve?.points).toEqual([0, 1, 2].map((step) => ({ step, value: step })));
  });

  it("returns short series whole, with each run's params and latest metrics", async () => {
    const { ctx, runs, experiment, user } = await givenRuns(2);
    const [a, b] = runs.map((r) => r.id) as [string, string];
    await logBatch(ctx, a, {
      params: { lr: "0.1" },
      metrics: [0, 1, 2].map((step) => ({ key: "loss", value: 3 - step, step })),
    });
    await logBatch(ctx, b, {
      params: { depth: "3" },
      metrics: [
        { key: "loss", value: 9, step: 5 },
        { key: "auc", value: 0.8, step: 5 },
      ],
    });
    const result = await compareRuns(ctx, { runIds: [b, a] });
    expect(result.runs.map((r) => r.id)).toEqual([b, a]);
    expect(result.runs[1]).toMatchObject({
      experimentId: experiment.id,
      experimentName: experiment.name,
      status: "RUNNING",
      params: { lr: "0.1" },
      metrics: { loss: 1 },
    });
    expect(result.availableMetricKeys).toEqual(["loss", "auc"]);
    expect(result.metricKeys).toEqual(["loss", "auc"]);
    expect(result.paramKeys).toEqual(["depth", "lr"]);
    expect(result.pointsPerSeries).toBe(500);
    expect(result.series.map((s) => [s.runId, s.key])).toEqual([
      [b, "loss"],
      [b, "auc"],
      [a, "loss"],
    ]);
    expect(result.series[2]).toEqual({
      runId: a,
      key: "loss",
      totalPoints: 3,
      points: [
        { step: 0, value: 3 },
        { step: 1, value: 2 },
        { step: 2, value: 1 },
      ],
    });
    expect(await (await trpcCallerFor(user.id)).experiments.compare({ runIds: [b, a] })).toEqual(result);
  });

  it("defaults to the 8 metric keys the runs share most, and honours an explicit choice", async () => {
    const { ctx, runs } = await givenRuns(2);
    const [a, b] = runs.map((r) => r.id) as [string, string];
    const keys = Array.from({ length: 10 }, (_, i) => `m${i}`);
    await logBatch(ctx, a, { metrics: keys.map((key) => ({ key, value: 1, step: 0 })) });
    await logBatch(ctx, b, { metrics: ["m9", "m5"].map((key) => ({ key, value: 1, step: 0 })) });
    const result = await compareRuns(ctx, { runIds: [a, b] });
    expect(result.availableMetricKeys).toEqual(["m5", "m9", "m0", "m1", "m2", "m3", "m4", "m6", "m7", "m8"]);
    expect(result.metricKeys).toEqual(["m5", "m9", "m0", "m1", "m2", "m3", "m4", "m6"]);
    expect(result.series).toHaveLength(10);
    const chosen = await compareRuns(ctx, { runIds: [a, b], metricKeys: ["m8", "absent"] });
    expect(chosen.metricKeys).toEqual(["m8", "absent"]);
    expect(chosen.series.map((s) => s.key)).toEqual(["m8"]);
    const caller = await trpcCallerFor(ctx.actor.userId);
    expect(await caller.experiments.compare({ runIds: [a, b] })).toEqual(result);
    expect(await caller.experiments.compare({ runIds: [a, b], metricKeys: ["m8", "absent"] })).toEqual(chosen);
  });

  it("serves fresh points after a run logs more (the preview follows the series)", async () => {
    const { ctx, runs } = await givenRuns(1);
    const runId = runs[0]?.id ?? "";
    await logBatch(ctx, runId, { metrics: [{ key: "acc", value: 0.1, step: 0 }] });
    expect((await compareRuns(ctx, { runIds: [runId] })).series[0]?.points).toEqual([{ step: 0, value: 0.1 }]);
    await logBatch(ctx, runId, { metrics: [{ key: "acc", value: 0.2, step: 1 }] });
    expect((await compareRuns(ctx, { runIds: [runId] })).series[0]?.points).toEqual([
      { step: 0, value: 0.1 },
      { step: 1, value: 0.2 },
    ]);
    await logBatch(ctx, runId, { metrics: [{ key: "acc", value: 0.3, step: 0 }] });
    expect((await compareRuns(ctx, { runIds: [runId] })).series[0]?.points).toEqual([
      { step: 0, value: 0.3 },
      { step: 1, value: 0.2 },
    ]);
  });

  it("validates its input", async () => {
    const { ctx, runs } = await givenRuns(1);
    const runId = runs[0]?.id ?? "";
    await expect(compareRuns(ctx, { runIds: [] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Pick at least one run"),
    });
    await expect(compareRuns(ctx, { runIds: [runId, runId] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Run ids must be unique"),
    });
    const many = Array.from({ length: 1_001 }, (_, i) => `r${i}`);
    await expect(compareRuns(ctx, { runIds: many })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Compare at most 1,000 runs"),
    });
    await expect(compareRuns(ctx, { runIds: [runId], maxPoints: 2001 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(compareRuns(ctx, { runIds: [runId, "nope"] })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Run not found: nope",
    });
  });

  it("compares 200 runs × 5 metrics × 1,000 steps from previews in two queries, 250 points per series", async () => {
    const { ctx, runs } = await givenRuns(0);
    const experimentId = (await db().experiment.findFirstOrThrow({ where: { createdById: ctx.actor.userId } })).id;
    await db().$executeRaw(Prisma.sql`
      INSERT INTO "Run" ("id", "experimentId", "name", "userId") SELECT 'bench-' || g, ${experimentId}, 'bench-' || g, ${ctx.actor.userId} FROM generate_series(1, 200) g`);
    expect(runs).toEqual([]);
    const runIds = Array.from({ length: 200 }, (_, i) => `bench-${i + 1}`);
    const seriesIds = await db().$queryRaw<{ id: number }[]>(Prisma.sql`
      INSERT INTO "MetricSeries" ("runId", "key", "lastValue", "lastStep", "minValue", "maxValue", "pointCount", "updatedAt")
      SELECT r, k, 0, 999, -1, 1, 1000, now() FROM unnest(${runIds}::text[]) r, unnest(ARRAY['loss', 'acc', 'auc', 'f1', 'lr']) k
      RETURNING "id"`);
    await db().$executeRaw(Prisma.sql`
      INSERT INTO "MetricPoint" ("seriesId", "step", "value", "timestamp")
      SELECT s."id", g, sin(g / 50.0 + s."id"), 0 FROM "MetricSeries" s, generate_series(0, 999) g WHERE s."runId" = ANY(${runIds}::text[])`);
    await db().$transaction((tx) =>
      refreshPreviews(
        tx,
        seriesIds.map((s) => s.id),
      ),
    );
    await db().$executeRaw(Prisma.raw(`VACUUM ANALYZE "MetricPoint"`));

    const fromPreviews = countingContext(ctx);
    const served = await compareRuns(fromPreviews.ctx, { runIds });
    expect(fromPreviews.operations).toEqual(FROM_PREVIEWS);
    expect(served.pointsPerSeries).toBe(250);
    expect(served.series).toHaveLength(1000);
    expect(served.series.every((s) => s.totalPoints === 1000 && s.points.length <= 250 && s.points.length >= 225)).toBe(
      true,
    );

    // Without previews the same curves come from the points (the previews hold these series whole).
    await db().$executeRaw(
      Prisma.sql`UPDATE "MetricSeries" SET "preview" = NULL WHERE "runId" = ANY(${runIds}::text[])`,
    );
    const fromPoints = countingContext(ctx);
    const computed = await compareRuns(fromPoints.ctx, { runIds });
    expect(fromPoints.operations).toEqual(FROM_POINTS);
    expect(computed.series).toEqual(served.series);
  });
});
