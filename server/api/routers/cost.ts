import { setTeamBudget, teamForecasts } from "@/server/services/cost/budgets";
import { checkBudgets } from "@/server/services/cost/budget-alerts";
import { costOverview } from "@/server/services/cost/cost-overview";
import { costWindowInput, setBudgetInput } from "@/server/services/cost/schemas";
import { costTrend } from "@/server/services/cost/cost-trend";
import { listPrices, upsertPrice } from "@/server/services/cost/pricing";
import { upsertPriceInput } from "@/contracts/pricing";
import { createTRPCRouter, procedureWith, readProcedure } from "@/server/api/trpc";

const manageBudgets = procedureWith("budgets:manage");
const managePricing = procedureWith("pricing:manage");

export const costRouter = createTRPCRouter({
  overview: readProcedure.input(costWindowInput).query(({ ctx, input }) => costOverview(ctx.service, input)),
  trend: readProcedure.input(costWindowInput).query(({ ctx, input }) => costTrend(ctx.service, input)),
  budgets: readProcedure.query(({ ctx }) => teamForecasts(ctx.service)),
  setBudget: manageBudgets.input(setBudgetInput).mutation(({ ctx, input }) => setTeamBudget(ctx.service, input)),
  /** Runs the budget check now (the cost-rollup job runs it every 5 minutes). */
  checkBudgets: manageBudgets.mutation(({ ctx }) => checkBudgets(ctx.service)),
  prices: readProcedure.query(({ ctx }) => listPrices(ctx.service)),
  upsertPrice: managePricing.input(upsertPriceInput).mutation(({ ctx, input }) => upsertPrice(ctx.service, input)),
});
