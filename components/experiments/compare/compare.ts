/** Derived data of the compare view: curves per metric, chart dimensions, scatter points. */

import { MAX_CURVE_WIDTH } from "@/contracts/curve-frames";
import { metricColumnId, paramColumnId, parseColumnId } from "@/components/experiments/shared/columns";
import { stepDomain, type CurvePoint, type RunCurve } from "@/components/experiments/charts/curves";
import type { StepRange } from "@/components/experiments/charts/curve-view";
import { valuesDiffer } from "@/components/experiments/compare/diff";
import { naturalCompare, toFiniteNumber } from "@/components/experiments/charts/scale";

/** The parts of a compared run these helpers read. */
export type RunValues = { id: string; name: string; params: Record<string, string>; metrics: Record<string, number> };

export type SeriesLike = { runId: string; key: string; totalPoints: number; points: CurvePoint[] };

/**
 * The width to ask the curves for: a chart's plot width in a section `sectionWidth` pixels wide (one or two charts
 * to a row), rounded up to 128 pixels so that small resizes keep the same request (and the server's cached answer).
 * 0 until the section has been measured.
 */
export function chartRequestWidth(sectionWidth: number, twoColumns: boolean): number {
  if (sectionWidth <= 0) return 0;
  const GAP = 16;
  const CARD_PADDING = 32;
  const chart = (twoColumns ? (sectionWidth - GAP) / 2 : sectionWidth) - CARD_PADDING;
  return Math.min(MAX_CURVE_WIDTH, Math.max(128, Math.ceil(chart / 128) * 128));
}

/** The steps each metric's curves span, leaving out hidden runs (see stepDomain). */
export function stepDomainsByMetric(
  series: readonly SeriesLike[],
  hidden: ReadonlySet<string>,
): Map<string, StepRange> {
  const byKey = new Map<string, SeriesLike[]>();
  for (const s of series) {
    if (hidden.has(s.runId)) continue;
    const curves = byKey.get(s.key);
    if (curves) curves.push(s);
    else byKey.set(s.key, [s]);
  }
  return new Map([...byKey].map(([key, curves]) => [key, stepDomain(curves)]));
}

/** Curves grouped by metric key, in run order, leaving out hidden runs. */
export function curvesByMetric(
  metricKeys: readonly string[],
  series: readonly SeriesLike[],
  runs: readonly RunValues[],
  colors: ReadonlyMap<string, string>,
  hidden: ReadonlySet<string>,
): Map<string, RunCurve[]> {
  const seriesByKey = new Map<string, Map<string, SeriesLike>>();
  for (const s of series) {
    const byRun = seriesByKey.get(s.key) ?? new Map<string, SeriesLike>();
    byRun.set(s.runId, s);
    seriesByKey.set(s.key, byRun);
  }
  return new Map(
    metricKeys.map((key) => {
      const byRun = seriesByKey.get(key);
      const curves = runs.flatMap((run) => {
        const s = byRun?.get(run.id);
        if (!s || hidden.has(run.id)) return [];
        return [{ runId: run.id, runName: run.name, color: colors.get(run.id) ?? "#64748b", points: s.points }];
      });
      return [key, curves];
    }),
  );
}

/** For the "downsampled from N points" note: the longest original series of a metric that was thinned. */
export function downsampledFrom(series: readonly SeriesLike[], key: string): number | null {
  let largest: number | null = null;
  for (const s of series) {
    if (s.key === key && s.totalPoints > s.points.length) largest = Math.max(largest ?? 0, s.totalPoints);
  }
  return largest;
}

/** A run's value for "metrics.<key>" or "params.<key>". */
export function dimensionValue(run: RunValues, dimensionId: string): string | number | undefined {
  const column = parseColumnId(dimensionId);
  if (!column) return undefined;
  const source = column.kind === "metric" ? run.metrics : run.params;
  return Object.hasOwn(source, column.key) ? source[column.key] : undefined;
}

export function dimensionLabel(dimensionId: string): string {
  return parseColumnId(dimensionId)?.key ?? dimensionId;
}

const DEFAULT_PARAM_AXES = 5;
const DEFAULT_METRIC_AXES = 3;

/** Parallel-coordinates axes when none are chosen: the params that vary, then the first metrics. */
export function defaultAxes(
  runs: readonly RunValues[],
  paramKeys: readonly string[],
  metricKeys: readonly string[],
): string[] {
  const varying = paramKeys.filter((key) => valuesDiffer(runs.map((run) => run.params[key])));
  return [
    ...varying.slice(0, DEFAULT_PARAM_AXES).map(paramColumnId),
    ...metricKeys.slice(0, DEFAULT_METRIC_AXES).map(metricColumnId),
  ];
}

/** Scatter axes when none are chosen: y = the first metric, x = the first varying param (or the second metric). */
export function defaultScatterAxes(
  runs: readonly RunValues[],
  paramKeys: readonly string[],
  metricKeys: readonly string[],
): { x: string | null; y: string | null } {
  const y = metricKeys[0] === undefined ? null : metricColumnId(metricKeys[0]);
  const varyingParam = paramKeys.find((key) => valuesDiffer(runs.map((run) => run.params[key])));
  const x =
    varyingParam !== undefined
      ? paramColumnId(varyingParam)
      : metricKeys[1] !== undefined
        ? metricColumnId(metricKeys[1])
        : null;
  return { x, y };
}

export type ScatterDatum = { runId: string; runName: string; color: string; x: number | string; y: number };

/**
 * One point per visible run having both values. x is numeric when every x value is a number,
 * otherwise categorical (returned sorted, for the axis).
 */
export function scatterData(
  runs: readonly RunValues[],
  xId: string,
  yId: string,
  colors: ReadonlyMap<string, string>,
  hidden: ReadonlySet<string>,
): { points: ScatterDatum[]; xCategories: string[] | null; skipped: number } {
  const candidates = runs.filter((run) => !hidden.has(run.id));
  const pairs = candidates.flatMap((run) => {
    const x = dimensionValue(run, xId);
    const y = dimensionValue(run, yId);
    const yNumber = y === undefined ? null : toFiniteNumber(y);
    return x === undefined || yNumber === null ? [] : [{ run, x, y: yNumber }];
  });
  const numericX = pairs.every((pair) => toFiniteNumber(pair.x) !== null);
  const points = pairs.map(({ run, x, y }) => ({
    runId: run.id,
    runName: run.name,
    color: colors.get(run.id) ?? "#64748b",
    x: numericX ? (toFiniteNumber(x) as number) : String(x),
    y,
  }));
  const xCategories = numericX ? null : [...new Set(points.map((p) => String(p.x)))].sort(naturalCompare);
  return { points, xCategories, skipped: candidates.length - pairs.length };
}
