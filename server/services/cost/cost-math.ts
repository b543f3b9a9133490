/** Pure cost arithmetic, kept apart so the rules (rounding, empty denominators, month edges) are unit-tested. */
import type { BudgetStatus } from "@/server/services/cost/schemas";

const SECONDS_PER_HOUR = 3600;

/** Dollars for instance-seconds at an hourly price. */
export function dollarsFor(instanceSeconds: number, hourlyUsd: number): number {
  return (instanceSeconds * hourlyUsd) / SECONDS_PER_HOUR;
}

/** Dollars per 1,000 predictions; null (not Infinity) when nothing was predicted. */
export function dollarsPerThousand(usd: number | null, predictions: number): number | null {
  if (usd === null || !(predictions > 0)) return null;
  return (usd / predictions) * 1000;
}

/** The calendar month (UTC) containing `now`: its bounds and its "yyyy-mm" key. */
export function monthOf(now: Date): { start: Date; end: Date; key: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end, key: start.toISOString().slice(0, 7) };
}

/** Month-end forecast: what was spent so far plus today's hourly rate for every hour left in the month. */
export function forecastMonth(monthToDateUsd: number, usdPerHourNow: number, now: Date): number {
  const { end } = monthOf(now);
  const hoursLeft = Math.max(0, (end.getTime() - now.getTime()) / (SECONDS_PER_HOUR * 1000));
  return monthToDateUsd + usdPerHourNow * hoursLeft;
}

/** OVER once month-to-date spend exceeds the budget; FORECAST_OVER when only the forecast does. */
export function budgetStatus(monthlyUsd: number, monthToDateUsd: number, forecastUsd: number): BudgetStatus {
  if (monthToDateUsd > monthlyUsd) return "OVER";
  if (forecastUsd > monthlyUsd) return "FORECAST_OVER";
  return "UNDER";
}

/**
 * A cost window of whole steps: `steps` subquery points at multiples of `stepSeconds`, evaluated half a second
 * before the last aligned point's successor so no point sits on the window's edge (Prometheus 2 and 3 disagree on
 * whether a range includes its left edge). Each point stands for the `stepSeconds` that end at it.
 */
export function alignWindow(start: Date, end: Date, stepSeconds: number) {
  const endSeconds = Math.floor(end.getTime() / 1000 / stepSeconds) * stepSeconds;
  const steps = Math.max(1, Math.round((end.getTime() - start.getTime()) / 1000 / stepSeconds));
  return {
    steps,
    stepSeconds,
    rangeSeconds: steps * stepSeconds,
    /** Where the queries are evaluated. */
    evaluationTime: new Date((endSeconds + 0.5) * 1000),
    /** Where "now" readings (instances running, $/hour) are taken: the end asked for, not rounded. */
    requestedEnd: end,
    /** The span the window covers, (start, end]. */
    start: new Date((endSeconds - steps * stepSeconds) * 1000),
    end: new Date(endSeconds * 1000),
  };
}

export type AlignedWindow = ReturnType<typeof alignWindow>;
