import { setBudgetInput } from "@/contracts/budgets";
import { z } from "zod";
import { Prisma } from "@/server/db/generated/client";
import { notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { MetricsContext, ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { budgetStatus, forecastMonth, monthOf } from "@/server/services/cost/cost-math";
import { costWindow, measureUsage } from "@/server/services/cost/cost-overview";
import { costRows, groupings } from "@/server/services/cost/cost-rows";
import { endpointOwners } from "@/server/services/cost/endpoint-owners";
import { priceTable } from "@/server/services/cost/pricing";
import {
  type PromQuery,
  type SetBudgetResult,
  type TeamForecast,
  type TeamForecasts,
} from "@/server/services/cost/schemas";

/** Sets or removes a team's monthly budget, audited. */
export async function setTeamBudget(
  ctx: ServiceContext,
  input: z.input<typeof setBudgetInput>,
): Promise<SetBudgetResult> {
  const { teamId, monthlyUsd } = parseInput(setBudgetInput, input);
  return ctx.db.$transaction(async (tx) => {
    const team = await tx.team.findUnique({ where: { id: teamId }, select: { id: true, name: true, budget: true } });
    if (!team) throw notFound("Team");
    const before = team.budget ? { monthlyUsd: team.budget.monthlyUsd.toString() } : undefined;
    if (monthlyUsd === null) {
      if (team.budget) await tx.teamBudget.delete({ where: { teamId } });
    } else {
      const amount = new Prisma.Decimal(monthlyUsd.toFixed(2));
      await tx.teamBudget.upsert({
        where: { teamId },
        create: { teamId, monthlyUsd: amount },
        update: { monthlyUsd: amount },
      });
    }
    await recordAudit(tx, ctx.actor, {
      action: monthlyUsd === null ? "budget.delete" : "budget.set",
      entityType: "Team",
      entityId: teamId,
      before,
      after: monthlyUsd === null ? undefined : { team: team.name, monthlyUsd: monthlyUsd.toFixed(2) },
    });
    return { teamId, monthlyUsd };
  });
}

/** Month-to-date cost, $/hour now and the month-end forecast for every team. */
export async function teamForecasts(ctx: MetricsContext): Promise<TeamForecasts> {
  const now = ctx.clock();
  const month = monthOf(now);
  const window = costWindow({ start: month.start, end: now });
  const [{ usage, promql }, prices, teams] = await Promise.all([
    measureUsage(ctx.prometheus, window),
    priceTable(ctx),
    ctx.db.team.findMany({
      select: { id: true, name: true, budget: { select: { monthlyUsd: true } } },
      orderBy: { name: "asc" },
    }),
  ]);
  const owners = await endpointOwners(ctx, [...new Set(usage.map((u) => u.endpoint))]);
  // Spend only: a forecast needs no prediction counts.
  const costs = new Map(costRows(usage, new Map(), prices, groupings(owners).team).map((r) => [r.key, r]));
  const forecasts: TeamForecast[] = teams.map((team) => {
    const cost = costs.get(team.id);
    const monthlyUsd = team.budget?.monthlyUsd.toNumber() ?? null;
    const monthToDateUsd = cost?.usd ?? 0;
    const usdPerHourNow = cost?.usdPerHourNow ?? 0;
    const forecastUsd = forecastMonth(monthToDateUsd, usdPerHourNow, now);
    return {
      teamId: team.id,
      teamName: team.name,
      monthlyUsd,
      monthToDateUsd,
      usdPerHourNow,
      forecastUsd,
      status: monthlyUsd === null ? null : budgetStatus(monthlyUsd, monthToDateUsd, forecastUsd),
      unpricedInstanceTypes: cost?.unpricedInstanceTypes ?? [],
    };
  });
  const queries: PromQuery[] = promql;
  return { month: month.key, monthStart: window.start, asOf: now, forecasts, promql: queries };
}
