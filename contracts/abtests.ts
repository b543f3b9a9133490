import { z } from "zod";
import { rolloutStrategySchema } from "@/contracts/deployments";

/**
 * The A/B test metric catalogue. Each metric says what one unit contributes and where it is read:
 * - `proportion`: a 0/1 per unit from ground truth (a classifier's prediction right, a blocked transaction that was
 *   fraud, a fraud that was caught) — the positive class is the last of the model's classes;
 * - `mean`: a number per unit from ground truth (the absolute error of a regressor's estimate);
 * - `rate`: server errors per request, from the runtime's per-variant Prometheus series;
 * - `quantile`: a latency quantile per variant from Prometheus — compared as a quantile, never as a mean;
 * - `cost`: $ per 1,000 predictions per variant; `shift`: the score distribution's PSI between arms.
 * Only `proportion`, `mean` and `rate` metrics can be a test's primary metric (they have a pre-registered sample size).
 */
export const AB_METRICS = {
  accuracy: { label: "Accuracy", kind: "proportion", better: "higher", tasks: ["CLASSIFICATION"] },
  precision: {
    label: "Precision of positive predictions",
    kind: "proportion",
    better: "higher",
    tasks: ["CLASSIFICATION"],
  },
  recall: {
    label: "Share of actual positives caught",
    kind: "proportion",
    better: "higher",
    tasks: ["CLASSIFICATION"],
  },
  false_positive_rate: {
    label: "Share of actual negatives flagged",
    kind: "proportion",
    better: "lower",
    tasks: ["CLASSIFICATION"],
  },
  brier_score: {
    label: "Brier score (error of the positive-class probability)",
    kind: "mean",
    better: "lower",
    tasks: ["CLASSIFICATION"],
    unit: "squared probability",
  },
  absolute_error: {
    label: "Absolute error",
    kind: "mean",
    better: "lower",
    tasks: ["REGRESSION"],
    unit: "model's units",
  },
  error_rate: { label: "Server-error rate", kind: "rate", better: "lower", tasks: "any" },
  latency_p95: { label: "Latency p95", kind: "quantile", better: "lower", tasks: "any" },
  latency_p99: { label: "Latency p99", kind: "quantile", better: "lower", tasks: "any" },
  cost_per_1k: { label: "$ per 1,000 predictions", kind: "cost", better: "lower", tasks: "any" },
  score_shift: { label: "Score distribution shift (PSI)", kind: "shift", better: "lower", tasks: "any" },
} as const satisfies Record<string, AbMetricDefinition>;

export type AbMetricDefinition = {
  label: string;
  kind: "proportion" | "mean" | "rate" | "quantile" | "cost" | "shift";
  better: "higher" | "lower";
  tasks: readonly string[] | "any";
  /** A mean metric's unit, as shown beside its values. */
  unit?: string;
};

/** A metric's definition (the declared shape, so optional fields read as such). */
export const abMetric = (key: AbMetricKey): AbMetricDefinition => AB_METRICS[key];

export type AbMetricKey = keyof typeof AB_METRICS;
export const AB_METRIC_KEYS = Object.keys(AB_METRICS) as [AbMetricKey, ...AbMetricKey[]];
export const abMetricKeySchema = z.enum(AB_METRIC_KEYS);

export const PRIMARY_METRIC_KINDS = ["proportion", "mean", "rate"] as const;

export function isPrimaryEligible(key: AbMetricKey): boolean {
  return (PRIMARY_METRIC_KINDS as readonly string[]).includes(AB_METRICS[key].kind);
}

/** Whether a metric applies to a model of this task type. */
export function metricFitsTask(key: AbMetricKey, taskType: string): boolean {
  const { tasks } = AB_METRICS[key];
  return tasks === "any" || (tasks as readonly string[]).includes(taskType);
}

export const AB_ASSIGNMENT_UNITS = ["REQUEST", "STICKY"] as const;
export const AB_TEST_STATUSES = ["PLANNED", "SHADOW", "RUNNING", "STOPPED", "CONCLUDED"] as const;
export const MAX_CHALLENGERS = 3;

/**
 * What a data scientist pre-registers: the primary metric, the smallest effect worth detecting (absolute, in the
 * metric's unit: 0.02 = two points of precision; minutes of absolute error), α and power, and the baseline — the
 * champion's rate for a proportion or rate metric, the per-unit standard deviation for a mean metric. Without a
 * baseline the champion's recent ground truth is used.
 */
export const preRegistrationInput = z.object({
  primaryMetric: abMetricKeySchema,
  mde: z.number().positive().finite(),
  alpha: z.number().min(0.001).max(0.2).default(0.05),
  power: z.number().min(0.5).max(0.99).default(0.8),
  baseline: z.number().positive().finite().optional(),
});

const DEFAULT_GUARDRAILS: readonly AbMetricKey[] = ["error_rate", "latency_p99"];

export function defaultGuardrails(primaryMetric: AbMetricKey): AbMetricKey[] {
  return DEFAULT_GUARDRAILS.filter((key) => key !== primaryMetric);
}

export const challengerInput = z.object({
  version: z.number().int().min(1),
  weight: z
    .number()
    .int()
    .min(1, "A challenger gets 1–99 % of the traffic")
    .max(99, "A challenger gets 1–99 % of the traffic"),
});

export const createAbTestInput = z
  .object({
    endpointName: z.string().min(1).max(200),
    name: z.string().trim().min(1).max(100),
    assignment: z.enum(AB_ASSIGNMENT_UNITS).default("REQUEST"),
    championWeight: z
      .number()
      .int()
      .min(1, "The champion keeps at least 1 % of the traffic")
      .max(99, "The challengers get at least 1 % of the traffic"),
    challengers: z.array(challengerInput).min(1).max(MAX_CHALLENGERS),
    preRegistration: preRegistrationInput,
    /** Default: the server-error rate and p99 latency, less the primary metric. */
    guardrails: z.array(abMetricKeySchema).max(AB_METRIC_KEYS.length).optional(),
    secondary: z.array(abMetricKeySchema).max(AB_METRIC_KEYS.length).default([]),
  })
  .superRefine((input, ctx) => {
    const total = input.championWeight + input.challengers.reduce((sum, c) => sum + c.weight, 0);
    if (total !== 100)
      ctx.addIssue({
        code: "custom",
        path: ["challengers"],
        message: `Traffic must sum to 100 % (it sums to ${total})`,
      });
    const versions = input.challengers.map((c) => c.version);
    if (new Set(versions).size !== versions.length)
      ctx.addIssue({ code: "custom", path: ["challengers"], message: "A version can be one challenger only" });
    const { primaryMetric } = input.preRegistration;
    if (!isPrimaryEligible(primaryMetric))
      ctx.addIssue({
        code: "custom",
        path: ["preRegistration", "primaryMetric"],
        message: `${AB_METRICS[primaryMetric].label} cannot be a primary metric (no pre-registered sample size for a ${AB_METRICS[primaryMetric].kind})`,
      });
    const { baseline } = input.preRegistration;
    const kind = AB_METRICS[primaryMetric].kind;
    if (baseline !== undefined && kind !== "mean" && baseline >= 1)
      ctx.addIssue({ code: "custom", path: ["preRegistration", "baseline"], message: "A baseline rate is below 1" });
    const metrics = [primaryMetric, ...(input.guardrails ?? defaultGuardrails(primaryMetric)), ...input.secondary];
    if (new Set(metrics).size !== metrics.length)
      ctx.addIssue({ code: "custom", path: ["secondary"], message: "Each metric can have one role only" });
  });

/** The plan stored with a test: the pre-registration and what it implies. Fixed once the test starts. */
export const preRegistrationSchema = z.object({
  primaryMetric: abMetricKeySchema,
  mde: z.number(),
  alpha: z.number(),
  power: z.number(),
  baseline: z.number(),
  baselineSource: z.enum(["entered", "measured"]),
  /** How many of the champion's outcomes the measured baseline came from (0 when entered). */
  baselineUnits: z.number().int().min(0),
  design: z.literal("msprt"),
  /** α of each challenger-vs-champion comparison: α / the number of challengers (Bonferroni). */
  comparisonAlpha: z.number(),
  /** Units (requests, or predictions with an outcome) each arm needs, by variant name. */
  requiredPerArm: z.record(z.string(), z.number().int().positive()),
  /** Units a day the endpoint had over the last 7 days (predictions with an outcome for ground-truth metrics). */
  unitsPerDay: z.number().min(0),
  /** Days until the slowest arm has its sample at that traffic; null when there was no traffic to go by. */
  expectedDays: z.number().nullable(),
  writtenAt: z.iso.datetime(),
});
export type PreRegistration = z.infer<typeof preRegistrationSchema>;

export const abMetricRoleSchema = z.object({ key: abMetricKeySchema, role: z.enum(["GUARDRAIL", "SECONDARY"]) });
export const abMetricRolesSchema = z.array(abMetricRoleSchema);

/** Start a planned test: SHADOW mirrors live traffic to the challengers first; RUNNING splits it by the plan. */
export const startAbTestInput = z.object({
  testId: z.string().min(1).max(100),
  mode: z.enum(["SHADOW", "RUNNING"]),
});

/** End a test: the champion serves alone again. A reason is kept with the test and in the audit log. */
export const stopAbTestInput = z.object({
  testId: z.string().min(1).max(100),
  reason: z.string().trim().min(1, "Say why the test stops").max(1000),
});

/**
 * A person's decision on a test: keep the champion, or promote a challenger — which opens the normal promotion
 * (gates, golden set and approvals apply) with the test's evidence attached. Either concludes the test.
 */
export const decideAbTestInput = z.discriminatedUnion("decision", [
  z.object({
    testId: z.string().min(1).max(100),
    decision: z.literal("KEEP_CHAMPION"),
    reason: z.string().trim().min(1, "Say why the champion stays").max(1000),
  }),
  z.object({
    testId: z.string().min(1).max(100),
    decision: z.literal("PROMOTE"),
    /** The winning challenger's version. */
    version: z.number().int().min(1),
    environment: z.enum(["STAGING", "PRODUCTION"]).default("PRODUCTION"),
    /** Default: a 10 % canary baked for 5 minutes. */
    strategy: rolloutStrategySchema.optional(),
    reason: z.string().trim().min(1, "Say why this challenger wins").max(1000),
  }),
]);
