/**
 * Points one compare chart may draw in total: a chart shows one series per run, so the more runs are
 * compared, the fewer points each series gets (200 runs → 250 points each).
 */
export const CHART_POINT_BUDGET = 50_000;

/** Points each series gets: the caller's `maxPoints`, or less when the chart's budget runs out. */
export function pointsPerSeries(runCount: number, maxPoints: number): number {
  return Math.min(maxPoints, Math.floor(CHART_POINT_BUDGET / Math.max(1, runCount)));
}
