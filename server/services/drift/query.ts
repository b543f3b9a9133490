import { parseBucketBound } from "@/server/integrations/prometheus/prometheus-text";
import { selector } from "@/server/integrations/prometheus/promql";
import type { InstantSample } from "@/server/integrations/prometheus/client";
import { countsFromCumulativeBuckets } from "@/server/services/drift/psi";

/** The runtime's per-feature histogram family; its buckets are the reference bin edges frozen at registration. */
export const FEATURE_HISTOGRAM = "modelport_runtime_feature_value";

/** A PromQL range duration in whole seconds, e.g. 3600 → "3600s". */
export function promDuration(seconds: number): string {
  return `${Math.max(1, Math.round(seconds))}s`;
}

/** One query per variant: the increase of every feature's cumulative buckets over the window. */
export function featureHistogramQuery(endpointName: string, variantName: string, windowSeconds: number): string {
  const buckets = selector(`${FEATURE_HISTOGRAM}_bucket`, { endpoint: endpointName, variant: variantName });
  return `sum by (feature, le) (increase(${buckets}[${promDuration(windowSeconds)}]))`;
}

/**
 * Production counts per bin for each feature, differenced from the cumulative buckets. Features whose bucket count
 * does not match the reference (e.g. the runtime was given other edges) are left out rather than compared bin-by-bin
 * against the wrong bins.
 */
export function binCountsByFeature(
  samples: readonly InstantSample[],
  expectedBins: ReadonlyMap<string, number>,
): Map<string, number[]> {
  const cumulative = new Map<string, Array<{ le: number; count: number }>>();
  for (const sample of samples) {
    const { feature, le } = sample.metric;
    if (feature === undefined || le === undefined || !Number.isFinite(sample.value)) continue;
    const buckets = cumulative.get(feature) ?? [];
    buckets.push({ le: parseBucketBound(le), count: sample.value });
    cumulative.set(feature, buckets);
  }
  const result = new Map<string, number[]>();
  for (const [feature, buckets] of cumulative) {
    if (buckets.length === expectedBins.get(feature)) result.set(feature, countsFromCumulativeBuckets(buckets));
  }
  return result;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** "30m" → 1800, as DRIFT_WINDOW is written. */
export function durationSeconds(duration: string): number {
  const match = /^(\d+)([smhd])$/.exec(duration);
  if (!match) throw new RangeError(`Not a duration like 30m, 1h or 1d: ${JSON.stringify(duration)}`);
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

/** The query for one feature's buckets, as the feature view shows it (the scan asks for every feature at once). */
export function singleFeatureQuery(
  endpointName: string,
  variantName: string,
  feature: string,
  windowSeconds: number,
): string {
  const buckets = selector(`${FEATURE_HISTOGRAM}_bucket`, { endpoint: endpointName, variant: variantName, feature });
  return `sum by (le) (increase(${buckets}[${promDuration(windowSeconds)}]))`;
}
