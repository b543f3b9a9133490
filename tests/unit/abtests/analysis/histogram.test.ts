import { describe, expect, it } from "vitest";
import {
  boundAtOrAbove,
  histogramQuantile,
  histogramsByVariant,
  slowerThan,
} from "@/server/services/abtests/analysis/histogram";
import {
  variantBucketsQuery,
  variantRequestsQuery,
  variantServerErrorsQuery,
} from "@/server/services/abtests/analysis/prometheus-queries";
import { mixingVariance } from "@/server/services/abtests/analysis/mixing-variance";
import { mixingVarianceForHorizon } from "@/server/services/abtests/statistics/msprt";
import { CHALLENGER, CHAMPION, plan } from "@/tests/unit/abtests/analysis/builders";

const sample = (variant: string, le: string, value: number) => ({ metric: { variant, le }, value });

describe("latency histograms", () => {
  // 100 requests: 50 ≤ 10 ms, 40 in (10, 50] ms, 8 in (50, 100] ms, 2 above 250 ms.
  const h = histogramsByVariant([
    sample("a", "+Inf", 100),
    sample("a", "0.01", 50),
    sample("a", "0.05", 90),
    sample("a", "0.1", 98),
    sample("a", "0.25", 98),
    sample("b", "+Inf", 0),
  ]).get("a")!;

  it("estimates a quantile as histogram_quantile does, with the bucket that bounds it", () => {
    expect(histogramQuantile(h, 0.5)).toEqual({ seconds: 0.01, bucketLower: 0, bucketUpper: 0.01, note: null });
    const p95 = histogramQuantile(h, 0.95);
    expect(p95.bucketLower).toBe(0.05);
    expect(p95.bucketUpper).toBe(0.1);
    expect(p95.seconds).toBeCloseTo(0.05 + 0.05 * (5 / 8), 12);
    expect(histogramQuantile(h, 0.99)).toMatchObject({ seconds: null, bucketLower: 0.25, bucketUpper: null });
    expect(histogramQuantile([], 0.99).note).toBe("no requests in the window");
  });

  it("counts the requests slower than a bucket bound, the objective rounded up to one", () => {
    expect(boundAtOrAbove(h, 0.08)).toBe(0.1);
    expect(boundAtOrAbove(h, 0.1)).toBe(0.1);
    expect(boundAtOrAbove(h, 0.3)).toBeUndefined();
    expect(slowerThan(h, 0.1)).toEqual({ slower: 2, total: 100 });
  });

  it("keeps extrapolated cumulative counts monotone", () => {
    const bumpy = histogramsByVariant([sample("a", "0.01", 10.4), sample("a", "0.05", 10.1), sample("a", "+Inf", 12)]);
    expect(bumpy.get("a")!.map((b) => b.count)).toEqual([10.4, 10.4, 12]);
  });
});

describe("PromQL", () => {
  it("reads per-variant requests, server errors and buckets of one endpoint over the window", () => {
    expect(variantRequestsQuery('fraud"x', 3600.4)).toBe(
      'sum by (variant) (increase(modelport_runtime_requests_total{endpoint="fraud\\"x"}[3600s]))',
    );
    expect(variantServerErrorsQuery("fraud", 60)).toBe(
      'sum by (variant) (increase(modelport_runtime_requests_total{endpoint="fraud",status=~"5.."}[60s]))',
    );
    expect(variantBucketsQuery("fraud", 0.2, "shadow", "fraud-v2")).toBe(
      'sum by (variant, le) (increase(modelport_runtime_shadow_request_duration_seconds_bucket{endpoint="fraud",variant="fraud-v2"}[1s]))',
    );
  });
});

describe("the mixing variance of metrics other than the primary", () => {
  it("uses the planned units with the largest 0/1 variance for rates", () => {
    const tau2 = mixingVariance(plan, "error_rate", CHAMPION, CHALLENGER, 0.05, null, undefined);
    expect(tau2?.tau2).toBeCloseTo(mixingVarianceForHorizon(0.25 / 1500 + 0.25 / 1500), 14);
  });

  it("freezes a mean metric's τ² at its first measured look", () => {
    const first = mixingVariance(
      plan,
      "absolute_error",
      CHAMPION,
      CHALLENGER,
      0.05,
      { controlVariance: 4, treatmentVariance: 6 },
      undefined,
    );
    expect(first?.tau2).toBeCloseTo(mixingVarianceForHorizon(4 / 1500 + 6 / 1500), 14);
    const later = mixingVariance(
      plan,
      "absolute_error",
      CHAMPION,
      CHALLENGER,
      0.05,
      { controlVariance: 9, treatmentVariance: 9 },
      first!.tau2,
    );
    expect(later?.tau2).toBe(first!.tau2);
    expect(mixingVariance(plan, "absolute_error", CHAMPION, CHALLENGER, 0.05, null, undefined)).toBeNull();
  });
});
