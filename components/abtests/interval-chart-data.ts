import { AB_METRICS, type AbMetricKey } from "@/contracts/abtests";
import { formatDifference } from "@/components/abtests/ab-analysis-format";
import type { AbLookSeries } from "@/components/abtests/ab-test-types";

const SEQUENTIAL_KINDS: ReadonlySet<string> = new Set(["proportion", "mean", "rate", "quantile"]);

/** The test's metrics with an always-valid interval to chart, the primary first. */
export function chartableMetrics(primary: AbMetricKey, others: ReadonlyArray<{ key: AbMetricKey }>): AbMetricKey[] {
  return [primary, ...others.map((m) => m.key)].filter(
    (key, i, all) => all.indexOf(key) === i && SEQUENTIAL_KINDS.has(AB_METRICS[key].kind),
  );
}

export type IntervalChartRow = { at: number } & Record<string, number | [number, number] | null>;

export const bandKey = (variantName: string) => `${variantName}:band`;

/**
 * One row per look time: each challenger's estimate (null where it has none at that time) and its interval as a
 * [lower, upper] band, oldest first.
 */
export function intervalChartRows(series: readonly AbLookSeries[]): IntervalChartRow[] {
  const rows = new Map<number, IntervalChartRow>();
  for (const { variantName, points } of series)
    for (const point of points) {
      const at = point.at.getTime();
      const row = rows.get(at) ?? { at };
      row[variantName] = point.estimate;
      row[bandKey(variantName)] = point.lower !== null && point.upper !== null ? [point.lower, point.upper] : null;
      rows.set(at, row);
    }
  return [...rows.values()].sort((a, b) => a.at - b.at);
}

/** The chart in words: per challenger, the latest look's difference and interval, and how many looks there were. */
export function intervalChartSummary(
  metric: AbMetricKey,
  series: readonly AbLookSeries[],
  name: (variantName: string) => string,
): string {
  const parts = series.map(({ variantName, points }) => {
    const last = points.at(-1);
    if (!last || last.estimate === null) return `${name(variantName)}: no estimate yet`;
    const interval =
      last.lower !== null && last.upper !== null
        ? ` (interval ${formatDifference(metric, last.lower)} to ${formatDifference(metric, last.upper)})`
        : "";
    return `${name(variantName)}: ${formatDifference(metric, last.estimate)}${interval} after ${points.length} looks`;
  });
  return `${AB_METRICS[metric].label}, challenger minus champion over time. ${parts.join("; ")}.`;
}

const DAY_MS = 86_400_000;
const clock = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const day = new Intl.DateTimeFormat("en", { month: "short", day: "numeric" });
const dayAndClock = new Intl.DateTimeFormat("en", {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** A time axis tick as short as the chart's span allows: the time of day within a day, the day beyond a week. */
export function timeTick(at: number, spanMs: number): string {
  const date = new Date(at);
  if (spanMs <= DAY_MS) return clock.format(date);
  return spanMs <= 7 * DAY_MS ? dayAndClock.format(date) : day.format(date);
}
