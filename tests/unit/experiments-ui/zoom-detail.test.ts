import { describe, expect, it, vi } from "vitest";
import type { CurveStream } from "@/components/experiments/compare/use-curve-stream";
import { stepDomainsByMetric } from "@/components/experiments/compare/compare";
import { withZoomDetail } from "@/components/experiments/compare/zoom-detail";

const series = (runId: string, key: string, steps: number[]) => ({
  runId,
  key,
  totalPoints: 1_000,
  points: steps.map((step) => ({ step, value: step })),
});

function stream(overrides: Partial<CurveStream>): CurveStream {
  return { series: [], loadedRuns: 0, done: false, error: null, bytes: 0, retry: vi.fn(), ...overrides };
}

describe("withZoomDetail", () => {
  const whole = stream({
    series: [series("a", "loss", [0, 500, 999]), series("b", "loss", [0, 999]), series("a", "acc", [0, 999])],
    loadedRuns: 2,
    done: true,
    bytes: 900,
  });

  it("is the whole curves, without detail, while every step shows", () => {
    expect(withZoomDetail(whole, null)).toEqual({ ...whole, wholeSeries: whole.series, detail: null });
  });

  it("replaces each series the range's stream sent, keeps the others and the whole stream's progress", () => {
    const zoomedLoss = series("a", "loss", [99, 100, 101, 102, 201]);
    const onlyZoomed = series("c", "loss", [100]);
    const zoomed = stream({ series: [zoomedLoss, onlyZoomed], loadedRuns: 1, bytes: 50 });
    const merged = withZoomDetail(whole, zoomed);
    expect(merged.series).toEqual([zoomedLoss, whole.series[1], whole.series[2], onlyZoomed]);
    expect(merged.series[0]).toBe(zoomedLoss);
    expect([merged.done, merged.loadedRuns, merged.bytes]).toEqual([true, 2, 900]);
    expect(merged.detail).toEqual({ done: false, error: null, retry: zoomed.retry });
    // Zooming out moves within the whole curves' steps, which the range's curves no longer span.
    expect(merged.wholeSeries).toBe(whole.series);
    expect(stepDomainsByMetric(merged.series, new Set())).toEqual(
      new Map([
        ["loss", [0, 999]],
        ["acc", [0, 999]],
      ]),
    );
    expect(stepDomainsByMetric([zoomedLoss], new Set())).toEqual(new Map([["loss", [99, 201]]]));
    expect(stepDomainsByMetric(merged.wholeSeries, new Set(["a"]))).toEqual(new Map([["loss", [0, 999]]]));
  });

  it("keeps the whole curves when the range's stream fails, and says so", () => {
    const merged = withZoomDetail(whole, stream({ error: "The curves stopped arriving" }));
    expect(merged.series).toBe(whole.series);
    expect(merged.detail?.error).toBe("The curves stopped arriving");
  });
});
