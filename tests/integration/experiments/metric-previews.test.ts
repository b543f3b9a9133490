import { describe, expect, it } from "vitest";
import { downsampleMinMax, PREVIEW_POINTS } from "@/server/services/experiments/curve-preview";
import { logBatch } from "@/server/services/experiments/log-batch";
import { PREVIEW_MAX_SERIES_POINTS } from "@/server/services/experiments/metric-previews";
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

/** The preview must be what downsampling the stored points afresh gives. */
async function expectPreviewCurrent(runId: string, key: string) {
  const { points: stored, preview } = await storedCurve(runId, key);
  expect(preview).toEqual(downsampleMinMax(stored, PREVIEW_POINTS));
  return { stored, preview: preview ?? [] };
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
    expect(spiked.preview.length).toBeLessThanOrEqual(PREVIEW_POINTS);
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

    await logBatch(ctx, run.id, { metrics: points("loss", [PREVIEW_MAX_SERIES_POINTS]) });
    expect((await storedCurve(run.id, "loss")).preview).toBeNull();
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
