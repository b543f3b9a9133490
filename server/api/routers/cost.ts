import { setBudgetInput } from "@/contracts/budgets";
import { setTeamBudget, teamForecasts } from "@/server/services/cost/budgets";
import { checkBudgets } from "@/server/services/cost/budget-alerts";
import { costOverview } from "@/server/services/cost/cost-overview";
import {
  checkBudgetsOutput,
  costOverviewOutput,
  costTrendOutput,
  costWindowInput,
  priceListOutput,
  setBudgetOutput,
  teamForecastsOutput,
  upsertPriceOutput,
} from "@/server/services/cost/schemas";
import { costTrend } from "@/server/services/cost/cost-trend";
import { listPrices, upsertPrice } from "@/server/services/cost/pricing";
import { upsertPriceInput } from "@/contracts/pricing";
import { createTRPCRouter, ownedProcedure, procedureWith, readProcedure } from "@/server/api/trpc";
import { ownerOfTeam } from "@/server/auth/ownership";

const manageBudgets = procedureWith("budgets:manage");
const managePricing = procedureWith("pricing:manage");

export const costRouter = createTRPCRouter({
  overview: readProcedure
    .input(costWindowInput)
    .output(costOverviewOutput)
    .query(({ ctx, input }) => costOverview(ctx.service, input)),
  trend: readProcedure
    .input(costWindowInput)
    .output(costTrendOutput)
    .query(({ ctx, input }) => costTrend(ctx.service, input)),
  budgets: readProcedure.output(teamForecastsOutput).query(({ ctx }) => teamForecasts(ctx.service)),
  setBudget: ownedProcedure("budgets:manage", setBudgetInput, (ctx, input) => ownerOfTeam(ctx, input.teamId))
    .output(setBudgetOutput)
    .mutation(({ ctx, input }) => setTeamBudget(ctx.service, input)),
  /** Runs the budget check now (the cost-forecast job runs it every 5 minutes). */
  checkBudgets: manageBudgets.output(checkBudgetsOutput).mutation(({ ctx }) => checkBudgets(ctx.service)),
  prices: readProcedure.output(priceListOutput).query(({ ctx }) => listPrices(ctx.service)),
  upsertPrice: managePricing
    .input(upsertPriceInput)
    .output(upsertPriceOutput)
    .mutation(({ ctx, input }) => upsertPrice(ctx.service, input)),
});
