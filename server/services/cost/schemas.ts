import { z } from "zod";
import { setBudgetInput } from "@/contracts/budgets";
import { COST_RANGE_KEYS } from "@/contracts/cost-ranges";
import { deploymentTargetKindSchema } from "@/contracts/enums";

const MAX_RANGE_DAYS = 93;

const explicitWindow = z
  .object({
    start: z.coerce.date(),
    end: z.coerce.date(),
    stepSeconds: z.number().int().min(1).max(86_400).optional(),
  })
  .refine((w) => w.end.getTime() > w.start.getTime(), { message: "The window must end after it starts", path: ["end"] })
  .refine((w) => w.end.getTime() - w.start.getTime() <= MAX_RANGE_DAYS * 86_400_000, {
    message: `At most ${MAX_RANGE_DAYS} days`,
    path: ["start"],
  });

/** Either a named range ending now (the dashboard) or an explicit window (jobs, tests, links to a past period). */
export const costWindowInput = z.union([z.object({ range: z.enum(COST_RANGE_KEYS) }), explicitWindow]);

export type CostWindowInput = z.input<typeof costWindowInput>;

export const promQueryOutput = z.object({ label: z.string(), promql: z.string(), time: z.date() });

/** One variant on one instance type, as measured in Prometheus and priced from the table. */
export const variantUsageOutput = z.object({
  endpoint: z.string(),
  variant: z.string(),
  instanceType: z.string(),
  /** Which gauge measured it: the local runtime's, or the SageMaker / Kubernetes counts read from the target. */
  target: deploymentTargetKindSchema,
  instanceSeconds: z.number(),
  instancesNow: z.number(),
});

/** Where an endpoint's predictions are counted: on its own target, never on another's. */
export const predictionSourceSchema = z.enum(["local-runtime", "kubernetes-pods", "cloudwatch"]);

/** One endpoint's predictions in the window, counted on its own target; null when they could not be measured. */
export const endpointPredictionsOutput = z.object({
  endpoint: z.string(),
  target: deploymentTargetKindSchema,
  source: predictionSourceSchema,
  predictions: z.number().nullable(),
  /** Why `predictions` is null (CloudWatch unreachable, pods not scraped…). */
  notMeasuredReason: z.string().nullable(),
});

export const costRowOutput = z.object({
  key: z.string(),
  label: z.string(),
  modelName: z.string().nullable(),
  teamName: z.string().nullable(),
  /** The target every endpoint of the row runs on; null when the row mixes targets. */
  target: deploymentTargetKindSchema.nullable(),
  instanceSeconds: z.number(),
  instancesNow: z.number(),
  /** Priced instance-seconds only; `unpricedInstanceTypes` lists what has no price yet. */
  usd: z.number(),
  usdPerHourNow: z.number(),
  usdPerDayNow: z.number(),
  /**
   * Predictions of the row's endpoints, each counted on its own target; null ("not measured") when any of them could
   * not be counted, so the row's cost is never divided by only some of its endpoints' predictions.
   */
  predictions: z.number().nullable(),
  /** The row's cost ÷ the same endpoints' predictions × 1000; null when not measured or nothing was predicted. */
  usdPer1kPredictions: z.number().nullable(),
  /** Endpoints of the row whose predictions could not be counted. */
  predictionsNotMeasured: z.array(z.string()),
  unpricedInstanceTypes: z.array(z.string()),
});

export const costOverviewOutput = z.object({
  window: z.object({ start: z.date(), end: z.date(), stepSeconds: z.number() }),
  measured: z.boolean(),
  total: costRowOutput.nullable(),
  byEndpoint: z.array(costRowOutput),
  byModel: z.array(costRowOutput),
  byTeam: z.array(costRowOutput),
  byTarget: z.array(costRowOutput),
  variants: z.array(variantUsageOutput),
  predictions: z.array(endpointPredictionsOutput),
  prices: z.record(z.string(), z.number()),
  promql: z.array(promQueryOutput),
});

/**
 * One point of the trend. `predictionsPerHour` and `usdPer1kPredictions` cover the endpoints whose predictions
 * Prometheus counts (local runtime and Kubernetes pods) and only their cost; `usdPerHour` is every endpoint's.
 */
export const trendPointOutput = z.object({
  t: z.number(),
  usdPerHour: z.number(),
  predictionsPerHour: z.number(),
  usdPer1kPredictions: z.number().nullable(),
});

export const costTrendOutput = z.object({
  start: z.date(),
  end: z.date(),
  stepSeconds: z.number(),
  points: z.array(trendPointOutput),
  teams: z.array(
    z.object({
      teamName: z.string(),
      points: z.array(trendPointOutput.pick({ t: true, usdPerHour: true })),
    }),
  ),
  unpricedInstanceTypes: z.array(z.string()),
  /** Endpoints whose cost the $/1k trend leaves out, their predictions not being in Prometheus (SageMaker's). */
  per1kExcludes: z.array(z.string()),
  promql: z.array(promQueryOutput),
});

export const budgetStatusSchema = z.enum(["UNDER", "FORECAST_OVER", "OVER"]);

export const teamForecastOutput = z.object({
  teamId: z.string(),
  teamName: z.string(),
  monthlyUsd: z.number().nullable(),
  monthToDateUsd: z.number(),
  usdPerHourNow: z.number(),
  forecastUsd: z.number(),
  status: budgetStatusSchema.nullable(),
  unpricedInstanceTypes: z.array(z.string()),
});

export const teamForecastsOutput = z.object({
  month: z.string(),
  monthStart: z.date(),
  asOf: z.date(),
  forecasts: z.array(teamForecastOutput),
  promql: z.array(promQueryOutput),
});

export const setBudgetOutput = setBudgetInput.pick({ teamId: true }).extend({ monthlyUsd: z.number().nullable() });

export const checkBudgetsOutput = z.object({
  month: z.string(),
  raised: z.array(z.string()),
  resolved: z.array(z.string()),
});

export const priceOutput = z.object({
  id: z.string(),
  name: z.string(),
  target: deploymentTargetKindSchema,
  hourlyUsd: z.number(),
  vcpus: z.number().int().nullable(),
  memoryGib: z.number().nullable(),
  gpus: z.number().int(),
  source: z.string(),
  updatedAt: z.date(),
  updatedBy: z.string().nullable(),
});

export const priceListOutput = z.array(priceOutput);

export const upsertPriceOutput = priceOutput
  .pick({ id: true, name: true, hourlyUsd: true })
  .extend({ created: z.boolean() });

export type PromQuery = z.infer<typeof promQueryOutput>;
export type VariantUsage = z.infer<typeof variantUsageOutput>;
export type PredictionSource = z.infer<typeof predictionSourceSchema>;
export type EndpointPredictions = z.infer<typeof endpointPredictionsOutput>;
export type CostRow = z.infer<typeof costRowOutput>;
export type CostOverview = z.infer<typeof costOverviewOutput>;
export type TrendPoint = z.infer<typeof trendPointOutput>;
export type CostTrend = z.infer<typeof costTrendOutput>;
export type BudgetStatus = z.infer<typeof budgetStatusSchema>;
export type TeamForecast = z.infer<typeof teamForecastOutput>;
export type TeamForecasts = z.infer<typeof teamForecastsOutput>;
export type SetBudgetResult = z.infer<typeof setBudgetOutput>;
export type CheckBudgetsResult = z.infer<typeof checkBudgetsOutput>;
export type PriceView = z.infer<typeof priceOutput>;
export type UpsertPriceResult = z.infer<typeof upsertPriceOutput>;
