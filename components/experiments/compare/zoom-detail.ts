import type { SeriesLike } from "@/components/experiments/compare/compare";
import type { CurveStream } from "@/components/experiments/compare/use-curve-stream";

/** How far the zoomed range's own curves have come: null while every step shows. */
export type ZoomDetail = { done: boolean; error: string | null; retry: () => void } | null;

/** The curves to draw, and the whole curves they replace within a zoom (whose steps zooming out moves within). */
export type CurvesWithDetail = CurveStream & { wholeSeries: readonly SeriesLike[]; detail: ZoomDetail };

const seriesKey = (series: SeriesLike) => `${series.runId}\u0000${series.key}`;

/**
 * The whole chart's curves, each replaced by the zoomed range's curve of the same run and metric once that arrived
 * (the range's points at the chart's width, where the whole curve has only a few). The chart shows the whole curves
 * clipped to the zoom meanwhile, and keeps them if the range's cannot load.
 */
export function withZoomDetail(whole: CurveStream, zoomed: CurveStream | null): CurvesWithDetail {
  if (zoomed === null) return { ...whole, wholeSeries: whole.series, detail: null };
  const detail = { done: zoomed.done, error: zoomed.error, retry: zoomed.retry };
  if (zoomed.series.length === 0) return { ...whole, wholeSeries: whole.series, detail };
  const byKey = new Map(zoomed.series.map((series) => [seriesKey(series), series]));
  const series = whole.series.map((series) => byKey.get(seriesKey(series)) ?? series);
  const shown = new Set(whole.series.map(seriesKey));
  for (const [key, zoomedSeries] of byKey) if (!shown.has(key)) series.push(zoomedSeries);
  return { ...whole, series, wholeSeries: whole.series, detail };
}
