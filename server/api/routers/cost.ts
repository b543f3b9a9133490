import { prometheusFromEnv } from "../../integrations/prometheus/client";
import { setBudgetInput, setTeamBudget, teamForecasts } from "../../services/cost/budgets";
import { checkBudgets } from "../../services/cost/budget-alerts";
import { costOverview, costWindowInput } from "../../services/cost/cost-overview";
import { costTrend } from "../../services/cost/cost-trend";
import { listPrices, upsertPrice } from "../../services/cost/pricing";
import { upsertPriceInput } from "../../services/cost/pricing-schema";
import { createTRPCRouter, procedureWith, readProcedure } from "../trpc";

const manageBudgets = procedureWith("budgets:manage");
const managePricing = procedureWith("pricing:manage");

export const costRouter = createTRPCRouter({
  overview: readProcedure.input(costWindowInput).query(({ ctx, input }) => costOverview(ctx.service, prometheusFromEnv(), input)),
  trend: readProcedure.input(costWindowInput).query(({ ctx, input }) => costTrend(ctx.service, prometheusFromEnv(), input)),
  budgets: readProcedure.query(({ ctx }) => teamForecasts(ctx.service, prometheusFromEnv())),
  setBudget: manageBudgets.input(setBudgetInput).mutation(({ ctx, input }) => setTeamBudget(ctx.service, input)),
  /** Runs the budget check now (the cost-rollup job runs it every 5 minutes). */
  checkBudgets: manageBudgets.mutation(({ ctx }) => checkBudgets(ctx.service, prometheusFromEnv())),
  prices: readProcedure.query(({ ctx }) => listPrices(ctx.service)),
  upsertPrice: managePricing.input(upsertPriceInput).mutation(({ ctx, input }) => upsertPrice(ctx.service, input)),
});
