import type { Prisma } from "@/server/db/generated/client";
import { isDismissed } from "@/server/services/alerts/alerts";
import type { MetricsContext } from "@/server/services/context";
import { teamForecasts } from "@/server/services/cost/budgets";
import type { CheckBudgetsResult, TeamForecast } from "@/server/services/cost/schemas";

export const budgetAlertKey = (teamId: string, month: string) => `budget:${teamId}:${month}`;

const usd = (value: number) => `$${value.toFixed(2)}`;

function alertFor(forecast: TeamForecast & { monthlyUsd: number }) {
  const over = forecast.status === "OVER";
  return {
    severity: over ? ("CRITICAL" as const) : ("WARNING" as const),
    title: over
      ? `${forecast.teamName} is over its monthly budget`
      : `${forecast.teamName} is forecast to exceed its monthly budget`,
    message: over
      ? `Spent ${usd(forecast.monthToDateUsd)} this month against a budget of ${usd(forecast.monthlyUsd)}.`
      : `Forecast ${usd(forecast.forecastUsd)} (spent ${usd(forecast.monthToDateUsd)} so far, ${usd(forecast.usdPerHourNow)}/hour now) against a budget of ${usd(forecast.monthlyUsd)}.`,
  };
}

/**
 * Raises one alert per team and month while the forecast exceeds the budget (CRITICAL once month-to-date spend
 * does) and resolves it when the forecast is back under. An alert a person dismissed stays dismissed unless it
 * escalates. Safe to run again at any time: the dedupe key keeps one row per team and month.
 */
export async function checkBudgets(ctx: MetricsContext): Promise<CheckBudgetsResult> {
  const now = ctx.clock();
  const { month, forecasts } = await teamForecasts({ ...ctx, clock: () => now });
  const raised: string[] = [];
  const resolved: string[] = [];
  for (const forecast of forecasts) {
    if (forecast.monthlyUsd === null) continue;
    const dedupeKey = budgetAlertKey(forecast.teamId, month);
    const existing = await ctx.db.alert.findUnique({ where: { dedupeKey } });
    if (forecast.status === "UNDER") {
      if (existing && !existing.resolvedAt) {
        await ctx.db.alert.update({ where: { dedupeKey }, data: { resolvedAt: now } });
        resolved.push(dedupeKey);
      }
      continue;
    }
    const alert = alertFor({ ...forecast, monthlyUsd: forecast.monthlyUsd });
    const details: Prisma.InputJsonValue = {
      month,
      monthlyUsd: forecast.monthlyUsd,
      monthToDateUsd: forecast.monthToDateUsd,
      usdPerHourNow: forecast.usdPerHourNow,
      forecastUsd: forecast.forecastUsd,
    };
    const dismissed = existing?.resolvedAt && existing.severity === alert.severity && isDismissed(existing.details);
    if (dismissed) continue;
    await ctx.db.alert.upsert({
      where: { dedupeKey },
      create: { kind: "BUDGET_FORECAST", dedupeKey, teamId: forecast.teamId, details, ...alert },
      update: { ...alert, details, resolvedAt: null },
    });
    raised.push(dedupeKey);
  }
  return { month, raised, resolved };
}
