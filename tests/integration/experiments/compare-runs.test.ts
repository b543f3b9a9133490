import { describe, expect, it } from "vitest";
import { db, type Db } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import { compareRuns } from "@/server/services/experiments/compare-runs";
import { logBatch } from "@/server/services/experiments/log-batch";
import { givenUser } from "../fixtures";
import { givenExperiment, givenRun, seedSeries } from "./helpers";

async function givenRuns(count: number) {
  const given = await givenUser("DATA_SCIENTIST");
  const experiment = await givenExperiment(given.ctx);
  const runs = [];
  for (let i = 0; i < count; i++) runs.push(await givenRun(given.ctx, experiment.id, { name: `run-${i}` }));
  return { ...given, experiment, runs };
}

describe("compareRuns", () => {
  it("downsamples a 5,000-step series to at most maxPoints, keeping first, last and extremes", async () => {
    const { ctx, runs } = await givenRuns(1);
    const runId = runs[0]?.id ?? "";
    // A smooth curve with one spike up at step 1234 and one down at step 4321.
    await seedSeries(runId, "loss", 5000, Prisma.sql`CASE g WHEN 1234 THEN 50 WHEN 4321 THEN -50 ELSE sin(g / 100.0) END`);
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
    // Every returned point is a real point, value for value.
    const result = await compareRuns(ctx, { runIds: [runId], maxPoints: 100 });
    const stored = await db().metricPoint.findMany({ where: { series: { runId } }, select: { step: true, value: true } });
    const byStep = new Map(stored.map((p) => [p.step, p.value]));
    for (const point of result.series[0]?.points ?? []) expect(byStep.get(point.step)).toBe(point.value);
  });

  it("returns short series whole, with each run's params and latest metrics", async () => {
    const { ctx, runs, experiment } = await givenRuns(2);
    const [a, b] = runs.map((r) => r.id) as [string, string];
    await logBatch(ctx, a, { params: { lr: "0.1" }, metrics: [0, 1, 2].map((step) => ({ key: "loss", value: 3 - step, step })) });
    await logBatch(ctx, b, { params: { depth: "3" }, metrics: [{ key: "loss", value: 9, step: 5 }, { key: "auc", value: 0.8, step: 5 }] });
    const result = await compareRuns(ctx, { runIds: [b, a] });
    expect(result.runs.map((r) => r.id)).toEqual([b, a]);
    expect(result.runs[1]).toMatchObject({ experimentId: experiment.id, experimentName: experiment.name, status: "RUNNING", params: { lr: "0.1" }, metrics: { loss: 1 } });
    expect(result.availableMetricKeys).toEqual(["loss", "auc"]);
    expect(result.metricKeys).toEqual(["loss", "auc"]);
    expect(result.paramKeys).toEqual(["depth", "lr"]);
    expect(result.series.map((s) => [s.runId, s.key])).toEqual([[b, "loss"], [b, "auc"], [a, "loss"]]);
    expect(result.series[2]).toEqual({ runId: a, key: "loss", totalPoints: 3, points: [{ step: 0, value: 3 }, { step: 1, value: 2 }, { step: 2, value: 1 }] });
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
  });

  it("serves fresh points after a run logs more (the cache follows the series)", async () => {
    const { ctx, runs } = await givenRuns(1);
    const runId = runs[0]?.id ?? "";
    await logBatch(ctx, runId, { metrics: [{ key: "acc", value: 0.1, step: 0 }] });
    expect((await compareRuns(ctx, { runIds: [runId] })).series[0]?.points).toEqual([{ step: 0, value: 0.1 }]);
    await logBatch(ctx, runId, { metrics: [{ key: "acc", value: 0.2, step: 1 }] });
    expect((await compareRuns(ctx, { runIds: [runId] })).series[0]?.points).toEqual([{ step: 0, value: 0.1 }, { step: 1, value: 0.2 }]);
    await logBatch(ctx, runId, { metrics: [{ key: "acc", value: 0.3, step: 0 }] });
    expect((await compareRuns(ctx, { runIds: [runId] })).series[0]?.points).toEqual([{ step: 0, value: 0.3 }, { step: 1, value: 0.2 }]);
  });

  it("validates its input", async () => {
    const { ctx, runs } = await givenRuns(1);
    const runId = runs[0]?.id ?? "";
    await expect(compareRuns(ctx, { runIds: [] })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Pick at least one run") });
    await expect(compareRuns(ctx, { runIds: [runId, runId] })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Run ids must be unique") });
    const many = Array.from({ length: 201 }, (_, i) => `r${i}`);
    await expect(compareRuns(ctx, { runIds: many })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Compare at most 200 runs") });
    await expect(compareRuns(ctx, { runIds: [runId], maxPoints: 2001 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(compareRuns(ctx, { runIds: [runId, "nope"] })).rejects.toMatchObject({ code: "NOT_FOUND", message: "Run not found: nope" });
  });

  it("compares 200 runs × 5 metrics × 1,000 steps in four queries, and fast once curves are cached", async () => {
    const { ctx, runs } = await givenRuns(0);
    const experimentId = (await db().experiment.findFirstOrThrow({ where: { createdById: ctx.actor.userId } })).id;
    await db().$executeRaw(Prisma.sql`
      INSERT INTO "Run" ("id", "experimentId", "name", "userId") SELECT 'bench-' || g, ${experimentId}, 'bench-' || g, ${ctx.actor.userId} FROM generate_series(1, 200) g`);
    expect(runs).toEqual([]);
    const runIds = Array.from({ length: 200 }, (_, i) => `bench-${i + 1}`);
    await db().$executeRaw(Prisma.sql`
      INSERT INTO "MetricSeries" ("runId", "key", "lastValue", "lastStep", "minValue", "maxValue", "pointCount", "updatedAt")
      SELECT r, k, 0, 999, -1, 1, 1000, now() FROM unnest(${runIds}::text[]) r, unnest(ARRAY['loss', 'acc', 'auc', 'f1', 'lr']) k`);
    await db().$executeRaw(Prisma.sql`
      INSERT INTO "MetricPoint" ("seriesId", "step", "value", "timestamp")
      SELECT s."id", g, sin(g / 50.0 + s."id"), 0 FROM "MetricSeries" s, generate_series(0, 999) g WHERE s."runId" = ANY(${runIds}::text[])`);
    await db().$executeRaw(Prisma.raw(`VACUUM ANALYZE "MetricPoint"`));

    const operations: string[] = [];
    const counted = db().$extends({
      query: {
        $allOperations({ model, operation, args, query }) {
          operations.push(`${model ?? "raw"}.${operation}`);
          return query(args);
        },
      },
    });
    const countedCtx = { ...ctx, db: counted as unknown as Db };

    let started = performance.now();
    const cold = await compareRuns(countedCtx, { runIds });
    const coldMs = performance.now() - started;
    // One query for the runs, one for the series, one to size work_mem, one for all 1,000 curves.
    expect(operations).toEqual(["Run.findMany", "raw.$queryRaw", "raw.$executeRaw", "raw.$queryRaw"]);
    expect(cold.series).toHaveLength(1000);
    expect(cold.series.every((s) => s.totalPoints === 1000 && s.points.length <= 500 && s.points.length >= 450)).toBe(true);

    operations.length = 0;
    started = performance.now();
    const warm = await compareRuns(countedCtx, { runIds });
    const warmMs = performance.now() - started;
    expect(operations).toEqual(["Run.findMany", "raw.$queryRaw"]);
    expect(warm.series).toEqual(cold.series);
    console.info(`compare 200 runs × 5 metrics × 1,000 steps: cold ${coldMs.toFixed(0)} ms, warm ${warmMs.toFixed(0)} ms`);
    expect(warmMs).toBeLessThan(300);
  });
});
