import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { logBatch } from "@/server/services/experiments/log-batch";
import { getRun } from "@/server/services/experiments/run-views";
import { finishRun } from "@/server/services/experiments/runs";
import { givenUser } from "@/tests/integration/fixtures";
import { givenExperiment, givenRun, tableCounts } from "@/tests/integration/experiments/helpers";

async function givenRunningRun() {
  const given = await givenUser("DATA_SCIENTIST");
  const run = await givenRun(given.ctx, (await givenExperiment(given.ctx)).id, { tags: { team: "search" } });
  return { ...given, run };
}

async function seriesOf(runId: string, key: string) {
  const series = await db().metricSeries.findUniqueOrThrow({ where: { runId_key: { runId, key } } });
  const points = await db().metricPoint.findMany({ where: { seriesId: series.id }, orderBy: { step: "asc" } });
  return { series, points };
}

describe("logBatch", () => {
  it("logs params, metrics and tags together and audits once", async () => {
    const { ctx, run } = await givenRunningRun();
    const result = await logBatch(ctx, run.id, {
      params: { lr: 0.01, optimizer: "adam", early_stop: true },
      metrics: [
        { key: "loss", value: 0.9, step: 0, timestamp: 1_700_000_000_000 },
        { key: "loss", value: 0.5, step: 1 },
        { key: "val/auc", value: 0.7, step: 1 },
      ],
      tags: { stage: "tuning" },
    });
    expect(result).toEqual({
      runId: run.id,
      paramsLogged: 3,
      metricPoints: 3,
      metricKeys: ["loss", "val/auc"],
      tagsSet: 1,
    });
    const detail = await getRun(ctx, run.id);
    expect(detail.params).toEqual({ early_stop: "true", lr: "0.01", optimizer: "adam" });
    expect(detail.metrics).toEqual({ loss: 0.5, "val/auc": 0.7 });
    expect(detail.tags).toEqual({ team: "search", stage: "tuning" });
    const { points } = await seriesOf(run.id, "loss");
    expect(points.map((p) => [p.step, p.value, Number(p.timestamp) > 0])).toEqual([
      [0, 0.9, true],
      [1, 0.5, true],
    ]);
    expect(points[0]?.timestamp).toBe(1_700_000_000_000n);
    const audits = await db().auditLog.findMany({ where: { entityId: run.id, action: "run.log" } });
    expect(audits).toHaveLength(1);
    expect(audits[0]?.after).toMatchObject({
      metricPoints: 3,
      metricKeys: ["loss", "val/auc"],
      tags: { stage: "tuning" },
    });
  });

  it("lands a 1,000-point batch in one call", async () => {
    const { ctx, run } = await givenRunningRun();
    const metrics = Array.from({ length: 1000 }, (_, step) => ({ key: "loss", value: 1 / (step + 1), step }));
    const result = await logBatch(ctx, run.id, { metrics });
    expect(result.metricPoints).toBe(1000);
    const { series, points } = await seriesOf(run.id, "loss");
    expect(points).toHaveLength(1000);
    expect(series).toMatchObject({
      pointCount: 1000,
      lastStep: 999,
      lastValue: 1 / 1000,
      minValue: 1 / 1000,
      maxValue: 1,
    });
  });

  it("accepts exactly 10,000 points", async () => {
    const { ctx, run } = await givenRunningRun();
    const metrics = Array.from({ length: 10_000 }, (_, i) => ({ key: `m${i % 4}`, value: i, step: Math.floor(i / 4) }));
    await expect(logBatch(ctx, run.id, { metrics })).resolves.toMatchObject({ metricPoints: 10_000 });
    expect(await db().metricPoint.count({ where: { series: { runId: run.id } } })).toBe(10_000);
  });

  it("keeps series statistics right across overlapping batches", async () => {
    const { ctx, run } = await givenRunningRun();
    await logBatch(ctx, run.id, { metrics: [0, 1, 2, 3, 4].map((step) => ({ key: "acc", value: step / 10, step })) });
    // Appends only: incremental update.
    await logBatch(ctx, run.id, {
      metrics: [
        { key: "acc", value: 0.9, step: 7 },
        { key: "acc", value: -1, step: 6 },
      ],
    });
    let { series } = await seriesOf(run.id, "acc");
    expect(series).toMatchObject({ pointCount: 7, minValue: -1, maxValue: 0.9, lastStep: 7, lastValue: 0.9 });

    // Overlap: step 6 (the minimum) and step 7 (the last, the maximum) are replaced, step 8 added after them.
    await logBatch(ctx, run.id, {
      metrics: [
        { key: "acc", value: 0.5, step: 6 },
        { key: "acc", value: 0.35, step: 7 },
        { key: "acc", value: 0.3, step: 5 },
      ],
    });
    ({ series } = await seriesOf(run.id, "acc"));
    expect(series).toMatchObject({ pointCount: 8, minValue: 0, maxValue: 0.5, lastStep: 7, lastValue: 0.35 });

    // An earlier step inserted later does not become the latest value.
    await logBatch(ctx, run.id, { metrics: [{ key: "acc", value: 2, step: 0 }] });
    ({ series } = await seriesOf(run.id, "acc"));
    expect(series).toMatchObject({ pointCount: 8, minValue: 0.1, maxValue: 2, lastStep: 7, lastValue: 0.35 });

    const { points } = await seriesOf(run.id, "acc");
    expect(points.map((p) => [p.step, p.value])).toEqual([
      [0, 2],
      [1, 0.1],
      [2, 0.2],
      [3, 0.3],
      [4, 0.4],
      [5, 0.3],
      [6, 0.5],
      [7, 0.35],
    ]);
  });

  it("lets a later point for the same step in one batch win", async () => {
    const { ctx, run } = await givenRunningRun();
    const result = await logBatch(ctx, run.id, {
      metrics: [
        { key: "f1", value: 0.1, step: 3 },
        { key: "f1", value: 0.2, step: 3 },
      ],
    });
    expect(result.metricPoints).toBe(1);
    expect((await seriesOf(run.id, "f1")).series).toMatchObject({
      pointCount: 1,
      lastValue: 0.2,
      minValue: 0.2,
      maxValue: 0.2,
    });
  });

  it("accepts the same param value again, refuses another value (409) and writes none of that batch", async () => {
    const { ctx, run } = await givenRunningRun();
    await logBatch(ctx, run.id, { params: { lr: "0.1" } });
    await expect(logBatch(ctx, run.id, { params: { lr: 0.1 } })).resolves.toMatchObject({ paramsLogged: 0 });

    const before = await tableCounts();
    await expect(
      logBatch(ctx, run.id, {
        params: { depth: "4", lr: "0.2" },
        metrics: [{ key: "loss", value: 1, step: 0 }],
        tags: { stage: "x" },
      }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: 'Param "lr" was already logged as "0.1" and cannot be changed to "0.2" (params are immutable)',
    });
    expect(await tableCounts()).toEqual(before);
    const detail = await getRun(ctx, run.id);
    expect(detail.params).toEqual({ lr: "0.1" });
    expect(detail.metricSeries).toEqual([]);
    expect(detail.tags).toEqual({ team: "search" });
  });

  it("refuses logging to a run that is not RUNNING (409)", async () => {
    const { ctx, run } = await givenRunningRun();
    await finishRun(ctx, run.id, { status: "FINISHED" });
    const before = await tableCounts();
    await expect(logBatch(ctx, run.id, { metrics: [{ key: "loss", value: 1, step: 0 }] })).rejects.toMatchObject({
      code: "CONFLICT",
      message: `Run ${run.id} is FINISHED; only RUNNING runs accept params, metrics and tags`,
    });
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses more than 10,000 points (400) and writes nothing", async () => {
    const { ctx, run } = await givenRunningRun();
    const metrics = Array.from({ length: 10_001 }, (_, step) => ({ key: "loss", value: 1, step }));
    const before = await tableCounts();
    await expect(logBatch(ctx, run.id, { metrics, params: { a: "1" } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("At most 10,000 metric points per call"),
    });
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses non-finite and non-numeric values, negative or fractional steps and bad keys (400)", async () => {
    const { ctx, run } = await givenRunningRun();
    const before = await tableCounts();
    const cases: [unknown, RegExp][] = [
      [{ key: "loss", value: Number.NaN, step: 0 }, /Metric values must be finite numbers/],
      [{ key: "loss", value: Number.POSITIVE_INFINITY, step: 0 }, /Metric values must be finite numbers/],
      [{ key: "loss", value: "0.5", step: 0 }, /Metric values must be finite numbers/],
      [{ key: "loss", value: 1, step: -1 }, /Steps must not be negative/],
      [{ key: "loss", value: 1, step: 1.5 }, /Steps must be whole numbers/],
      [{ key: "loss", value: 1, step: 2 ** 31 }, /Steps are at most 2147483647/],
      [{ key: "bad`key", value: 1, step: 0 }, /Metric keys may contain only/],
      [{ key: "", value: 1, step: 0 }, /Metric keys must not be empty/],
    ];
    for (const [point, message] of cases) {
      const good = { key: "ok", value: 1, step: 0 };
      // Deliberately malformed input, as a pipeline might send it.
      const metrics = [good, point] as Parameters<typeof logBatch>[2]["metrics"];
      await expect(logBatch(ctx, run.id, { metrics })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringMatching(message),
      });
    }
    await expect(logBatch(ctx, run.id, {})).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Nothing to log: give params, metrics or tags",
    });
    expect(await tableCounts()).toEqual(before);
  });

  it("answers 404 for an unknown run", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    await expect(logBatch(ctx, "missing", { params: { a: "1" } })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Run not found",
    });
  });

  it("serialises concurrent batches to the same run without losing points", async () => {
    const { ctx, run } = await givenRunningRun();
    await Promise.all(
      Array.from({ length: 5 }, (_, batch) =>
        logBatch(ctx, run.id, {
          metrics: Array.from({ length: 100 }, (_, i) => ({
            key: "loss",
            value: batch * 100 + i,
            step: batch * 100 + i,
          })),
        }),
      ),
    );
    expect((await seriesOf(run.id, "loss")).series).toMatchObject({
      pointCount: 500,
      minValue: 0,
      maxValue: 499,
      lastStep: 499,
      lastValue: 499,
    });
  });
});
