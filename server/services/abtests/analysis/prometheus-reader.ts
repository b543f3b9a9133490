import type { AbQuantile } from "@/contracts/abtest-analysis";
import type { InstantSample, PrometheusSource } from "@/server/integrations/prometheus/client";
import { errorMessage } from "@/lib/error-message";
import { adjustedProportionArm, type ArmSummary } from "@/server/services/abtests/statistics/arms";
import {
  boundAtOrAbove,
  histogramQuantile,
  histogramsByVariant,
  slowerThan,
  totalOf,
  type CumulativeHistogram,
} from "@/server/services/abtests/analysis/histogram";
import {
  variantBucketsQuery,
  variantRequestsQuery,
  variantServerErrorsQuery,
} from "@/server/services/abtests/analysis/prometheus-queries";
import type { LatencyThreshold, MetricReading, SrmReading } from "@/server/services/abtests/analysis/types";

type Answer = { ok: true; samples: InstantSample[] } | { ok: false; reason: string };

export type PrometheusScope = {
  endpoint: string;
  champion: string;
  /** Every arm's variant (stopped ones too: their traffic before the stop counts). */
  variants: readonly string[];
  start: Date;
  end: Date;
  sloP99Seconds: number;
  /** SRM: live arms with their expected weights, counted since the split was last set. */
  srm: { since: Date; arms: Array<{ variantName: string; weight: number }> } | { note: string; since: Date };
  shadowVariants: readonly string[];
};

export type PrometheusReadings = {
  errorRate: MetricReading;
  latency: { latency_p95: MetricReading; latency_p99: MetricReading };
  quantiles: AbQuantile[];
  srm: SrmReading;
  shadowLatency: Map<string, Omit<AbQuantile, "metric">[]>;
  unavailable: Array<{ source: string; reason: string }>;
};

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;
const byVariant = (samples: InstantSample[]) =>
  new Map(samples.map((s) => [s.metric.variant ?? "", Number.isFinite(s.value) ? s.value : 0]));

const QUANTILES = { latency_p95: 0.95, latency_p99: 0.99 } as const;
const SHADOW_QUANTILES = [0.5, 0.95, 0.99];
/** The champion's latency before the test, for the p95 threshold. */
const PRE_TEST_SECONDS = 3600;

/** The arm summaries of "slower than `bound`" (0/1 per request) from each variant's histogram. */
function exceedanceArms(histograms: Map<string, CumulativeHistogram>, variants: readonly string[], bound: number) {
  const arms = new Map<string, ArmSummary>();
  for (const variant of variants) {
    const h = histograms.get(variant);
    if (!h) continue;
    const { slower, total } = slowerThan(h, bound);
    const n = Math.round(total);
    if (n > 0) arms.set(variant, adjustedProportionArm(Math.min(n, Math.round(slower)), n));
  }
  return arms;
}

/**
 * Everything the analysis reads from Prometheus, each query on its own: the error rate's requests and server errors per
 * arm, the latency histograms (each arm's quantiles with their bucket, the exceedance shares of a fixed threshold), the
 * SRM's assignment counts and the shadows' latency. A query that fails leaves its metrics without a value and its
 * reason in `unavailable`; it never fails the analysis.
 */
export async function readPrometheus(
  prometheus: PrometheusSource,
  scope: PrometheusScope,
): Promise<PrometheusReadings> {
  const unavailable = new Map<string, string>();
  const ask = async (promql: string, time: Date): Promise<Answer> => {
    try {
      return { ok: true, samples: await prometheus.query(promql, time) };
    } catch (error) {
      const reason = `Prometheus unreachable: ${errorMessage(error)}`;
      unavailable.set("prometheus", unavailable.get("prometheus") ?? reason);
      return { ok: false, reason };
    }
  };
  const range = seconds(scope.start, scope.end);
  const [requests, errors, buckets, preTest, srmCounts, shadowBuckets] = await Promise.all([
    ask(variantRequestsQuery(scope.endpoint, range), scope.end),
    ask(variantServerErrorsQuery(scope.endpoint, range), scope.end),
    ask(variantBucketsQuery(scope.endpoint, range), scope.end),
    ask(variantBucketsQuery(scope.endpoint, PRE_TEST_SECONDS, "live", scope.champion), scope.start),
    "arms" in scope.srm
      ? ask(variantRequestsQuery(scope.endpoint, seconds(scope.srm.since, scope.end)), scope.end)
      : Promise.resolve<Answer>({ ok: false, reason: scope.srm.note }),
    scope.shadowVariants.length > 0
      ? ask(variantBucketsQuery(scope.endpoint, range, "shadow"), scope.end)
      : Promise.resolve<Answer>({ ok: true, samples: [] }),
  ]);

  let errorRate: MetricReading;
  if (!requests.ok || !errors.ok)
    errorRate = { ok: false, note: requests.ok ? (errors as { reason: string }).reason : requests.reason };
  else {
    const total = byVariant(requests.samples);
    const failed = byVariant(errors.samples);
    const arms = new Map<string, ArmSummary>();
    for (const variant of scope.variants) {
      const n = Math.round(total.get(variant) ?? 0);
      if (n > 0) arms.set(variant, adjustedProportionArm(Math.min(n, Math.round(failed.get(variant) ?? 0)), n));
    }
    errorRate = { ok: true, arms };
  }

  const latency = { latency_p95: undefined, latency_p99: undefined } as Record<
    keyof typeof QUANTILES,
    MetricReading | undefined
  >;
  const quantiles: AbQuantile[] = [];
  const histograms = buckets.ok ? histogramsByVariant(buckets.samples) : new Map<string, CumulativeHistogram>();
  const reference = histograms.get(scope.champion) ?? [...histograms.values()][0];
  for (const [metric, q] of Object.entries(QUANTILES) as Array<[keyof typeof QUANTILES, number]>) {
    for (const variant of scope.variants) {
      const h = histograms.get(variant) ?? [];
      const found = buckets.ok ? histogramQuantile(h, q) : null;
      quantiles.push({
        metric,
        variantName: variant,
        quantile: q,
        seconds: found?.seconds ?? null,
        bucketLower: found?.bucketLower ?? null,
        bucketUpper: found?.bucketUpper ?? null,
        requests: totalOf(h),
        note: buckets.ok ? (found?.note ?? null) : buckets.reason,
      });
    }
    if (!buckets.ok) {
      latency[metric] = { ok: false, note: buckets.reason };
      continue;
    }
    const threshold = latencyThreshold(metric, reference, scope, preTest);
    if (!threshold) {
      latency[metric] = reference
        ? { ok: false, note: `no latency bucket at or above the endpoint's p99 objective of ${scope.sloP99Seconds} s` }
        : { ok: true, arms: new Map() };
      continue;
    }
    latency[metric] = { ok: true, arms: exceedanceArms(histograms, scope.variants, threshold.seconds), threshold };
  }

  const shadowHistograms = shadowBuckets.ok ? histogramsByVariant(shadowBuckets.samples) : new Map();
  const shadowLatency = new Map(
    scope.shadowVariants.map((variant) => {
      const h: CumulativeHistogram = shadowHistograms.get(variant) ?? [];
      return [
        variant,
        SHADOW_QUANTILES.map((q) => {
          const found = histogramQuantile(h, q);
          return {
            variantName: variant,
            quantile: q,
            ...found,
            requests: totalOf(h),
            note: shadowBuckets.ok ? found.note : shadowBuckets.reason,
          };
        }),
      ];
    }),
  );

  return {
    errorRate,
    latency: {
      latency_p95: latency.latency_p95 ?? { ok: false, note: "not measured" },
      latency_p99: latency.latency_p99 ?? { ok: false, note: "not measured" },
    },
    quantiles,
    srm: srmReading(scope, srmCounts),
    shadowLatency,
    unavailable: [...unavailable].map(([source, reason]) => ({ source, reason })),
  };
}

/**
 * The fixed threshold a latency quantile's arms are compared at (a bucket bound, so shares are exact counts):
 * - p99: the endpoint's p99 objective, rounded up to a bucket bound;
 * - p95: the champion's p95 in the hour before the test started (the upper bound of the bucket holding it), else the
 *   p99 objective. Both are fixed before the test's data, so every look compares the same two shares.
 */
function latencyThreshold(
  metric: keyof typeof QUANTILES,
  reference: CumulativeHistogram | undefined,
  scope: PrometheusScope,
  preTest: Answer,
): LatencyThreshold | undefined {
  if (!reference) return undefined;
  if (metric === "latency_p95" && preTest.ok) {
    const before = histogramsByVariant(preTest.samples).get(scope.champion);
    const bound = before ? histogramQuantile(before, 0.95).bucketUpper : null;
    if (bound !== null && Number.isFinite(bound))
      return { seconds: bound, source: "the champion's p95 in the hour before the test (its bucket's upper bound)" };
  }
  const bound = boundAtOrAbove(reference, scope.sloP99Seconds);
  return bound === undefined
    ? undefined
    : { seconds: bound, source: "the endpoint's p99 objective (rounded up to a bucket bound)" };
}

function srmReading(scope: PrometheusScope, answer: Answer): SrmReading {
  if (!("arms" in scope.srm)) return { ok: false, since: scope.srm.since, note: scope.srm.note };
  if (!answer.ok) return { ok: false, since: scope.srm.since, note: answer.reason };
  const counts = byVariant(answer.samples);
  return {
    ok: true,
    since: scope.srm.since,
    counts: scope.srm.arms.map((arm) => ({ ...arm, observed: Math.round(counts.get(arm.variantName) ?? 0) })),
  };
}
