import type { AbAnalysis, AbComparison, AbSrm } from "@/contracts/abtest-analysis";
import { AB_METRICS, abMetric, type AbMetricKey } from "@/contracts/abtests";

const percent = (value: number, digits: number) => `${(100 * value).toFixed(digits)} %`;
const sign = (value: number) => (value > 0 ? "+" : value < 0 ? "−" : "");

/** Seconds as milliseconds below 10 s ("85 ms", "1,250 ms"), else seconds ("12.5 s"). */
export function formatSeconds(seconds: number): string {
  if (seconds >= 10) return `${seconds.toLocaleString("en", { maximumFractionDigits: 1 })} s`;
  const ms = seconds * 1000;
  return `${ms.toLocaleString("en", { maximumFractionDigits: ms < 10 ? 2 : 0 })} ms`;
}

/** Where a histogram quantile lies: the bounds of the bucket holding it (the value between them is interpolated). */
export function bucketText(lower: number | null, upper: number | null): string | null {
  if (lower === null && upper === null) return null;
  if (upper === null) return `above ${formatSeconds(lower!)}`;
  if (lower === null || lower === 0) return `below ${formatSeconds(upper)}`;
  return `between ${formatSeconds(lower)} and ${formatSeconds(upper)}`;
}

/**
 * An arm's value of a compared metric, with its unit: a rate or share as a percentage, the absolute error in the
 * model's own units, a latency metric as the share of requests slower than its fixed threshold.
 */
export function formatArmValue(comparison: Pick<AbComparison, "metric" | "threshold">, value: number | null): string {
  if (value === null) return "—";
  const kind = AB_METRICS[comparison.metric].kind;
  if (kind === "mean") {
    const unit = abMetric(comparison.metric).unit;
    return `${value.toLocaleString("en", { maximumSignificantDigits: 4 })}${unit ? ` (${unit})` : ""}`;
  }
  const share = percent(value, value !== 0 && Math.abs(value) < 0.01 ? 2 : 1);
  if (kind === "quantile" && comparison.threshold)
    return `${share} of requests over ${formatSeconds(comparison.threshold.seconds)}`;
  return share;
}

/**
 * A difference (challenger − champion) in the metric's unit: percentage points for rates and shares, the model's units
 * for an absolute error. Signed with a real minus sign; `compact` (axis ticks) drops trailing zeros.
 */
export function formatDifference(metric: AbMetricKey, value: number, { compact = false } = {}): string {
  const size = Math.abs(value);
  if (AB_METRICS[metric].kind === "mean")
    return `${sign(value)}${size.toLocaleString("en", { maximumSignificantDigits: 3 })}`;
  const points = compact
    ? (100 * size).toLocaleString("en", { maximumFractionDigits: 2 })
    : (100 * size).toFixed(size !== 0 && size < 0.001 ? 3 : 2);
  return `${sign(value)}${points} pts`;
}

/** A p-value as people read it: two significant digits, tiny ones as "< 0.0001". */
export function formatPValue(p: number | null): string {
  if (p === null) return "—";
  if (p < 0.0001) return "< 0.0001";
  return p >= 0.1 ? p.toFixed(2) : p.toPrecision(2);
}

/** Whether the difference favours the challenger, the champion, or neither (its interval still holds 0). */
export function differenceDirection(
  comparison: Pick<AbComparison, "metric" | "lower" | "upper">,
): "better" | "worse" | "unclear" {
  const { lower, upper } = comparison;
  if (lower === null || upper === null || (lower <= 0 && upper >= 0)) return "unclear";
  const higher = lower > 0;
  return higher === (AB_METRICS[comparison.metric].better === "higher") ? "better" : "worse";
}

/** "SRM: ok (χ² 0.13, p 0.71)", "SRM: mismatch (χ² 31.2, p < 0.0001)", or why it was not checked. */
export function srmText(srm: AbSrm): string {
  if (srm.statistic === null || srm.pValue === null) return `SRM: not checked (${srm.note ?? "no counts"})`;
  const numbers = `χ² ${srm.statistic.toLocaleString("en", { maximumFractionDigits: 2 })}, p ${formatPValue(srm.pValue)}`;
  return `SRM: ${srm.mismatch ? "mismatch" : "ok"} (${numbers})`;
}

/**
 * The label delay in words: how long outcomes take, so outcome metrics stop short of the window's end, and how many of
 * the window's predictions still wait for theirs.
 */
export function labelDelayText(analysis: Pick<AbAnalysis, "labelDelay" | "arms">): string {
  const { minutes } = analysis.labelDelay;
  const predictions = analysis.arms.reduce((sum, arm) => sum + arm.predictions, 0);
  const waiting = analysis.arms.reduce((sum, arm) => sum + arm.waitingForOutcome, 0);
  const share = predictions > 0 ? `${percent(waiting / predictions, 1)} of the window's predictions` : "no predictions";
  if (minutes === 0) return `No label delay: outcomes count as they arrive; ${share} still wait for one.`;
  return `Outcomes take ${formatMinutes(minutes)} to arrive, so outcome metrics use predictions made up to the cutoff; ${share} still wait for one.`;
}

export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${(minutes / 60).toLocaleString("en", { maximumFractionDigits: 1 })} h`;
  return `${(minutes / 1440).toLocaleString("en", { maximumFractionDigits: 1 })} days`;
}

export const formatUsd = (usd: number) =>
  usd < 1
    ? `$${usd.toLocaleString("en", { maximumSignificantDigits: 3 })}`
    : `$${usd.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export const formatCount = (value: number) => Math.round(value).toLocaleString("en");
