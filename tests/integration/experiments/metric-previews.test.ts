import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import {
  COARSE_PREVIEW,
  downsampleColumns,
  gridPreview,
  packColumns,
  PREVIEW_GRID_BUCKETS,
  PREVIEW_POINTS,
  rangeCurve,
  unpackCurve,
  type PreviewLevel,
} from "@/server/services/experiments/curve-preview";
import { downsampledColumns } from "@/server/services/experiments/downsample-series";
import { logBatch } from "@/server/services/experiments/log-batch";
import { PREVIEW_MAX_SERIES_POINTS, refreshPreviews } from "@/server/services/experiments/metric-previews";
import { givenUser } from "@/tests/integration/fixtures";
import { givenExperiment, givenRun, seedSeries, storedCurve } from "@/tests/integration/experiments/helpers";

async function givenRunningRun() {
  const given = await givenUser("DATA_SCIENTIST");
  const run = await givenRun(given.ctx, (await givenExperiment(given.ctx)).id);
  return { ...given, run };
}

const wave = (step: number) => Math.sin(step / 40) + 0.01 * Math.sin(step * 12.9898);
const points = (key: string, steps: number[], value = wave) => steps.map((step) => ({ key, step, value: value(step) }));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** The preview rule of `level` applied to all of a series' points afresh, in JS. */
function previewOf(stored: { step: number; value: number }[], level?: PreviewLevel) {
  const { columns } = gridPreview(
    { steps: Int32Array.from(stored, (p) => p.step), values: Float64Array.from(stored, (p) => p.value) },
    stored.length,
    level,
  );
  return Array.from(columns.steps, (step, i) => ({ step, value: columns.values[i] ?? 0 }));
}

/**
 * The stored previews (merged from batches, or recomputed in SQL) must be what the preview rules give on the stored
 * points afresh, and what a recompute from the points in SQL writes (byte for byte, with the same grid).
 */
async function expectPreviewCurrent(runId: string, key: string) {
  const { points: stored, preview } = await storedCurve(runId, key);
  expect(preview).toEqual(previewOf(stored));
  const series = await db().metricSeries.findUniqueOrThrow({ where: { runId_key: { runId, key } } });
  expect(series.previewCoarse && unpackCurve(series.previewCoarse)).toEqual(previewOf(stored, COARSE_PREVIEW));
  // A recompute from the points drops a longer series' preview, which merges keep.
  if (stored.length > PREVIEW_MAX_SERIES_POINTS) return { stored, preview: preview ?? [], grid: series.previewGrid };
  await db().$transaction((tx) => refreshPreviews(tx, [series.id]));
  const recomputed = await db().metricSeries.findUniqueOrThrow({ where: { id: series.id } });
  expect([recomputed.preview, recomputed.previewGrid, recomputed.previewCoarse]).toEqual([
    series.preview,
    series.previewGrid,
    series.previewCoarse,
  ]);
  return { stored, preview: preview ?? [], grid: series.previewGrid };
}

describe("metric previews", () => {
  it("stores a series of up to 1,000 points whole, for every key the batch touched", async () => {
    const { ctx, run } = await givenRunningRun();
    await logBatch(ctx, run.id, { metrics: [...points("loss", range(0, 1000)), ...points("acc", [3, 1, 2])] });
    const loss = await expectPreviewCurrent(run.id, "loss");
    expect(loss.preview).toHaveLength(1000);
    expect(loss.preview).toEqual(loss.stored);
    expect((await expectPreviewCurrent(run.id, "acc")).preview.map((p) => p.step)).toEqual([1, 2, 3]);
  });

  it("keeps the preview current across appends and overlapping batches that overwrite steps", async () => {
    const { ctx, run } = await givenRunningRun();
    for (const from of [0, 1000, 2000])
      await logBatch(ctx, run.id, { metrics: points("loss", range(from, from + 1000)) });
    await logBatch(ctx, run.id, { metrics: [{ key: "loss", step: 1500, value: 40 }] });
    const spiked = await expectPreviewCurrent(run.id, "loss");
    expect(spiked.preview.length).toBeLessThanOrEqual(2 * PREVIEW_GRID_BUCKETS + 2);
    expect(spiked.preview).toContainEqual({ step: 1500, value: 40 });

    // Overwrites the spike (no longer the maximum), adds a dip inside the old range and appends past the end.
    await logBatch(ctx, run.id, {
      metrics: [
        { key: "loss", step: 1500, value: 0 },
        { key: "loss", step: 700, value: -30 },
        ...points("loss", range(2900, 3500)),
      ],
    });
    const rewritten = await expectPreviewCurrent(run.id, "loss");
    expect(rewritten.stored).toHaveLength(3500);
    expect(rewritten.preview).not.toContainEqual({ step: 1500, value: 40 });
    expect(rewritten.preview).toContainEqual({ step: 700, value: -30 });
    expect(rewritten.preview.at(-1)?.step).toBe(3499);
  });

  it("drops the preview once a series grows past PREVIEW_MAX_SERIES_POINTS", async () => {
    const { ctx, run } = await givenRunningRun();
    await seedSeries(run.id, "loss", PREVIEW_MAX_SERIES_POINTS - 1);
    await logBatch(ctx, run.id, { metrics: points("loss", [PREVIEW_MAX_SERIES_POINTS - 1]) });
    const atLimit = await expectPreviewCurrent(run.id, "loss");
    expect(atLimit.stored).toHaveLength(PREVIEW_MAX_SERIES_POINTS);
    expect(atLimit.preview.length).toBeGreaterThan(PREVIEW_POINTS * 0.9);

    // A value replaced: the preview is recomputed from the points, which a series this long no longer gets.
    await logBatch(ctx, run.id, { metrics: points("loss", [PREVIEW_MAX_SERIES_POINTS, 5], () => 3) });
    expect((await storedCurve(run.id, "loss")).preview).toBeNull();
    const dropped = await db().metricSeries.findUniqueOrThrow({ where: { runId_key: { runId: run.id, key: "loss" } } });
    expect(dropped.previewCoarse).toBeNull();
  });

  it("serves requests of up to 128 points from the coarse preview, finer ones and rows without one from the fine one", async () => {
    const { ctx, run } = await givenRunningRun();
    await logBatch(ctx, run.id, { metrics: points("loss", range(0, 5_000)) });
    const where = { runId_key: { runId: run.id, key: "loss" } };
    // A marker the coarse preview could never hold, to see which preview a request read.
    const marker = { steps: Int32Array.from([0, 2_500, 4_999]), values: Float64Array.from([7, 8, 9]) };
    await db().metricSeries.update({ where, data: { previewCoarse: new Uint8Array(packColumns(marker)) } });
    const read = async (limit: number) =>
      Array.from((await downsampledColumns(ctx, [run.id], ["loss"], limit))[0]?.values ?? []);
    expect(await read(COARSE_PREVIEW.servesUpTo)).toEqual([7, 8, 9]);
    expect(await read(64)).toEqual([7, 8, 9]);
    const fine = await read(COARSE_PREVIEW.servesUpTo + 2);
    expect(fine).toHaveLength(COARSE_PREVIEW.servesUpTo + 2);
    expect(fine).not.toContain(8);

    // Written before coarse previews existed: the fine preview serves every request.
    await db().metricSeries.update({ where, data: { previewCoarse: null } });
    const fromFine = await read(64);
    expect(fromFine).toHaveLength(64);
    expect(fromFine[0]).toBe(wave(0));
    // The next batch writes it.
    await logBatch(ctx, run.id, { metrics: points("loss", [5_000]) });
    await expectPreviewCurrent(run.id, "loss");
  });

  it("merges the points of each batch into the preview, exactly, past the limit of a recompute and as the grid coarsens", async () => {
    const { ctx, run } = await givenRunningRun();
    // Batches of uneven sizes, some filling gaps left behind the last step (added, not replaced).
    const grids = new Set<number | null>();
    let next = 0;
    for (const size of [700, 300, 1, 999, 4_000, 10_000, 10_000, 10_000, 10_000, 10_000, 2_500]) {
      const steps = range(next, next + size).map((step) => step * 2);
      await logBatch(ctx, run.id, { metrics: points("loss", steps, (step) => (step % 997 === 0 ? 9 : wave(step))) });
      await logBatch(ctx, run.id, { metrics: points("loss", [steps[0]! + 1], () => -9) });
      next += size;
      grids.add((await expectPreviewCurrent(run.id, "loss")).grid);
    }
    const { points: stored, preview } = await storedCurve(run.id, "loss");
    expect(stored.length).toBeGreaterThan(PREVIEW_MAX_SERIES_POINTS);
    expect(preview).toEqual(previewOf(stored));
    // Whole, then grids of more and more steps (powers of two) as the series lengthened.
    const [whole, ...gridded] = [...grids];
    expect(whole).toBeNull();
    expect(gridded.length).toBeGreaterThan(3);
    expect(gridded).toEqual([...gridded].sort((a, b) => (a ?? 0) - (b ?? 0)));
    for (const grid of gridded) expect(Math.log2(grid ?? 0) % 1).toBe(0);
  });

  it("recomputes the preview when a point lands before the first step, up to the largest step, and stores -0 as 0", async () => {
    const { ctx, run } = await givenRunningRun();
    await logBatch(ctx, run.id, { metrics: points("late", range(100, 1_300)) });
    await logBatch(ctx, run.id, { metrics: points("late", [5], () => -5) });
    const late = await expectPreviewCurrent(run.id, "late");
    expect(late.preview[0]).toEqual({ step: 5, value: -5 });

    await logBatch(ctx, run.id, { metrics: points("wide", [...range(0, 1_500), 2_147_483_647]) });
    await logBatch(ctx, run.id, { metrics: points("wide", [3], () => 7) });
    const wide = await expectPreviewCurrent(run.id, "wide");
    expect(wide.preview.at(-1)?.step).toBe(2_147_483_647);
    expect(wide.grid).toBe(2 ** 22);

    await logBatch(ctx, run.id, { metrics: points("signed", [0, 1, 2], () => -0) });
    const signed = await expectPreviewCurrent(run.id, "signed");
    expect(signed.preview.every((p) => Object.is(p.value, 0))).toBe(true);
  });

  it("keeps the preview of a long series current across successive 1,000-point batches", async () => {
    const { ctx, run } = await givenRunningRun();
    await seedSeries(run.id, "loss", 40_000);
    for (const from of [40_000, 41_000, 42_000]) {
      await logBatch(ctx, run.id, { metrics: points("loss", range(from, from + 1000)) });
    }
    const current = await expectPreviewCurrent(run.id, "loss");
    expect(current.stored).toHaveLength(43_000);
  });
});

describe("a zoomed chart's curves", () => {
  const columnsOf = (stored: { step: number; value: number }[]) => ({
    steps: Int32Array.from(stored, (p) => p.step),
    values: Float64Array.from(stored, (p) => p.value),
  });
  const asArrays = (columns: { steps: Int32Array; values: Float64Array } | undefined) => [
    [...(columns?.steps ?? [])],
    [...(columns?.values ?? [])],
  ];

  it("reads the range's points within the budget; past it, cuts the preview, or buckets the points without one", async () => {
    const { ctx, run } = await givenRunningRun();
    // "gridded" keeps a grid preview (3,000 points); "bare" has no preview at all (written straight to the table).
    for (let from = 0; from < 3_000; from += 1_000)
      await logBatch(ctx, run.id, { metrics: points("gridded", range(from, from + 1_000)) });
    await seedSeries(run.id, "bare", 3_000);
    const steps: [number, number] = [1_000, 1_499];
    const limit = 1_000;
    const read = async (rangePointsRead?: number) => {
      const curves = await downsampledColumns(ctx, [run.id], ["bare", "gridded"], limit, { steps, rangePointsRead });
      return new Map(curves.map((curve) => [curve.key, curve]));
    };
    const gridded = await storedCurve(run.id, "gridded");
    const bare = await storedCurve(run.id, "bare");
    expect(gridded.preview?.length).toBeLessThan(3_000);
    expect(bare.preview).toBeNull();

    // Within the budget: every point of the range (500) and the one on each side, from the points.
    const withinBudget = await read();
    for (const [key, stored] of [
      ["gridded", gridded.points],
      ["bare", bare.points],
    ] as const) {
      expect(asArrays(withinBudget.get(key))).toEqual(asArrays(rangeCurve(columnsOf(stored), steps, limit)));
      expect(withinBudget.get(key)?.steps.length).toBe(502);
    }

    // Past it: the preview's points in the range, and the series without one bucketed over all its steps in SQL.
    const pastBudget = await read(10);
    expect(asArrays(pastBudget.get("gridded"))).toEqual(
      asArrays(rangeCurve(columnsOf(gridded.preview ?? []), steps, limit)),
    );
    expect(asArrays(pastBudget.get("bare"))).toEqual(
      asArrays(rangeCurve(downsampleColumns(columnsOf(bare.points), PREVIEW_POINTS), steps, limit)),
    );
    expect(pastBudget.get("bare")?.steps.length).toBeLessThan(502);
    expect(pastBudget.get("gridded")?.steps.length).toBeLessThan(502);
  });
});
