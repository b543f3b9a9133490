import { AB_METRICS, abMetricRolesSchema, preRegistrationSchema, type AbMetricKey } from "@/contracts/abtests";
import { abAnalysisSchema, type AbAnalysis, type AbArmStatus, type AbShadow } from "@/contracts/abtest-analysis";
import { badRequest, conflict, notFound } from "@/server/errors";
import type { ServiceContext } from "@/server/services/context";
import type { MsprtState } from "@/server/services/abtests/statistics/msprt";
import { evaluateAnalysis } from "@/server/services/abtests/analysis/evaluate";
import { readOutcomeMetrics } from "@/server/services/abtests/analysis/outcome-reader";
import { readPrometheus, type PrometheusScope } from "@/server/services/abtests/analysis/prometheus-reader";
import { readCosts } from "@/server/services/abtests/analysis/cost-reader";
import { readCapturedTraffic, readShadowDisagreement } from "@/server/services/abtests/analysis/capture-reader";
import { lookKey, type MetricReading, type MetricRole } from "@/server/services/abtests/analysis/types";

const MINUTE_MS = 60_000;

export type AnalyzeContext = Pick<ServiceContext, "db" | "prometheus" | "clock">;
export type AnalyzeOptions = {
  /** The look's time (default: the context's clock). */
  at?: Date;
  /** How many times a look that lost the race to a concurrent one is computed again. */
  retries?: number;
  /** Count every hour of the window again from the prediction logs (a decision's look), not only what changed. */
  recount?: boolean;
};

async function loadTest(ctx: AnalyzeContext, testId: string) {
  const test = await ctx.db.abTest.findUnique({
    where: { id: testId },
    include: {
      arms: { orderBy: [{ role: "asc" }, { variantName: "asc" }] },
      endpoint: {
        select: {
          id: true,
          name: true,
          target: true,
          sloP99Ms: true,
          model: {
            select: { taskType: true, outcomeClasses: true, decisionThreshold: true, labelDelayMinutes: true },
          },
        },
      },
    },
  });
  if (!test) throw notFound(`A/B test ${testId}`);
  if (!test.startedAt && !test.shadowStartedAt)
    throw badRequest("The test has not started: there is nothing to analyse yet");
  return test;
}

/** The latest look's running state per (metric, challenger): the chain every new look continues. */
async function previousStates(ctx: AnalyzeContext, testId: string): Promise<Map<string, MsprtState>> {
  const rows = await ctx.db.abTestLook.findMany({
    where: { testId, pValue: { not: null } },
    orderBy: [{ metric: "asc" }, { variantName: "asc" }, { at: "desc" }],
    distinct: ["metric", "variantName"],
    select: { metric: true, variantName: true, pValue: true, lower: true, upper: true },
  });
  return new Map(
    rows.map((r) => [
      lookKey(r.metric, r.variantName),
      { pValue: r.pValue ?? 1, lower: r.lower ?? -Infinity, upper: r.upper ?? Infinity },
    ]),
  );
}

function frozenMixingVariances(previous: unknown): Map<string, number> {
  const parsed = abAnalysisSchema.safeParse(previous);
  const frozen = new Map<string, number>();
  if (parsed.success)
    for (const c of parsed.data.comparisons) if (c.tau2 !== null) frozen.set(lookKey(c.metric, c.variantName), c.tau2);
  return frozen;
}

/**
 * The live analysis of an A/B test at one look, over [startedAt, endedAt or now]: reads the measured data (SQL and
 * PromQL), evaluates it (evaluate.ts) and stores one AbTestLook per (metric, challenger) with AbTest.analysis and
 * analyzedAt in one transaction. A source that cannot be read leaves its metrics without values, each saying why; the
 * analysis is still written. Returns the stored analysis.
 */
export async function analyzeTest(
  ctx: AnalyzeContext,
  testId: string,
  options: AnalyzeOptions = {},
): Promise<AbAnalysis> {
  const at = options.at ?? ctx.clock();
  const test = await loadTest(ctx, testId);
  const plan = preRegistrationSchema.parse(test.preRegistration);
  const roles = abMetricRolesSchema.parse(test.metrics);
  const metrics: Array<{ key: AbMetricKey; role: MetricRole }> = [
    { key: plan.primaryMetric, role: "PRIMARY" },
    ...roles.filter((m) => m.key !== plan.primaryMetric),
  ];
  const { endpoint } = test;
  const { model } = endpoint;
  const champion = test.arms.find((a) => a.role === "CHAMPION");
  if (!champion) throw badRequest("The test has no champion arm");
  const challengers = test.arms.filter((a) => a.role === "CHALLENGER");
  const variants = [champion.variantName, ...challengers.map((a) => a.variantName)];

  // A test in shadow mode is looked at from when mirroring began; once split, from the split (the analysis window).
  const start = (test.startedAt ?? test.shadowStartedAt)!;
  const end = new Date(Math.max(start.getTime(), Math.min((test.endedAt ?? at).getTime(), at.getTime())));
  const cutoff = new Date(Math.min(end.getTime(), at.getTime() - model.labelDelayMinutes * MINUTE_MS));
  const { recount } = options;
  const outcomeScope = { testId: test.id, now: at, endpointId: endpoint.id, variants, start, cutoff, model, recount };
  const captureScope = { endpointId: endpoint.id, champion: champion.variantName, start, end };
  const outcomeKeys = metrics.map((m) => m.key).filter((k) => ["proportion", "mean"].includes(AB_METRICS[k].kind));

  const [outcomes, captured, prometheus, costs, previous] = await Promise.all([
    readOutcomeMetrics(ctx, outcomeScope, outcomeKeys),
    readCapturedTraffic(
      ctx,
      { ...captureScope, testId: test.id, now: at, recount },
      variants,
      metrics.some((m) => m.key === "score_shift"),
    ),
    readPrometheus(ctx.prometheus, prometheusScope(test, endpoint, champion.variantName, variants, start, end)),
    metrics.some((m) => m.key === "cost_per_1k") ? readCosts(ctx, endpoint, variants, start, end) : Promise.resolve([]),
    previousStates(ctx, test.id),
  ]);

  // Pairing shadows with the live answers joins the prediction log with itself: only for arms that were mirrored
  // (captured mirrors or the runtime's shadow series in the window).
  const shadows = challengers
    .map((a) => a.variantName)
    .filter(
      (v) =>
        test.status === "SHADOW" ||
        captured.mirrored.has(v) ||
        (prometheus.shadowLatency.get(v) ?? []).some((q) => q.requests > 0),
    );
  const disagreement = await readShadowDisagreement(ctx, {
    ...captureScope,
    shadows,
    classifier: model.taskType === "CLASSIFICATION",
    decisionThreshold: model.decisionThreshold,
  });

  // Waiting: the window's predictions less those made before the cutoff that have an outcome (clamped at 0: an outcome
  // may outlive its captured row, which retention moved away).
  const arms: AbArmStatus[] = test.arms.map((arm) => {
    const predictions = captured.predictions.get(arm.variantName) ?? 0;
    const waiting = Math.max(0, predictions - (outcomes.withOutcome.get(arm.variantName) ?? 0));
    return {
      variantName: arm.variantName,
      role: arm.role,
      weight: arm.weight,
      stoppedAt: arm.stoppedAt?.toISOString() ?? null,
      predictions,
      waitingForOutcome: waiting,
      waitingShare: predictions > 0 ? waiting / predictions : null,
    };
  });
  const shadow: AbShadow[] = disagreement.map((d) => ({
    ...d,
    latency: prometheus.shadowLatency.get(d.variantName) ?? [],
  }));

  const readings: Partial<Record<AbMetricKey, MetricReading>> = {
    ...outcomes.readings,
    error_rate: prometheus.errorRate,
    ...prometheus.latency,
  };
  const { analysis, looks } = evaluateAnalysis({
    at,
    window: { start, end },
    labelDelayMinutes: model.labelDelayMinutes,
    outcomeCutoff: cutoff,
    plan,
    metrics,
    champion: champion.variantName,
    challengers: challengers.map((a) => a.variantName),
    arms,
    readings,
    previous,
    frozenTau2: frozenMixingVariances(test.analysis),
    sloP99Seconds: endpoint.sloP99Ms / 1000,
    srm: prometheus.srm,
    quantiles: prometheus.quantiles.filter((q) => metrics.some((m) => m.key === q.metric)),
    costs,
    scoreShift: captured.scoreShift,
    shadow,
    unavailable: prometheus.unavailable,
  });
  const stored = abAnalysisSchema.parse(analysis);
  // Looks are a chain (each continues the previous one's running p-value and interval): a look computed while another
  // landed is dropped — the newer one answers — or, when it is the later of the two, computed again from the new chain.
  const landed = await ctx.db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "AbTest" WHERE id = ${test.id} FOR NO KEY UPDATE`;
    const current = await tx.abTest.findUniqueOrThrow({
      where: { id: test.id },
      select: { analyzedAt: true, analysis: true },
    });
    if (current.analyzedAt?.getTime() !== test.analyzedAt?.getTime()) return current;
    await tx.abTestLook.createMany({ data: looks.map((look) => ({ ...look, testId: test.id, at })) });
    await tx.abTest.update({ where: { id: test.id }, data: { analysis: stored, analyzedAt: at } });
    return null;
  });
  if (!landed) return stored;
  if (landed.analyzedAt && landed.analyzedAt >= at) return abAnalysisSchema.parse(landed.analysis);
  if ((options.retries ?? 2) <= 0) throw conflict("Other looks at this test keep landing first: try again");
  return analyzeTest(ctx, testId, { ...options, at, retries: (options.retries ?? 2) - 1 });
}

/**
 * What Prometheus is asked for. SRM counts live arms (not stopped) since the split was last set (the test's start or
 * the latest arm stop), against their configured weights with the champion taking the rest (a stopped arm's share goes
 * to the champion). In shadow mode every live request is the champion's: there is no split to check.
 */
export function prometheusScope(
  test: { status: string; arms: Array<{ role: string; variantName: string; weight: number; stoppedAt: Date | null }> },
  endpoint: { name: string; sloP99Ms: number },
  champion: string,
  variants: string[],
  start: Date,
  end: Date,
): PrometheusScope {
  const stops = test.arms.flatMap((a) => (a.stoppedAt && a.stoppedAt <= end ? [a.stoppedAt.getTime()] : []));
  const since = new Date(Math.max(start.getTime(), ...stops));
  const live = test.arms.filter((a) => a.role === "CHALLENGER" && !(a.stoppedAt && a.stoppedAt <= end));
  const championWeight = 100 - live.reduce((sum, a) => sum + a.weight, 0);
  const srm =
    test.status === "SHADOW"
      ? { since, note: "shadow mode: every live request is the champion's, there is no split to check" }
      : {
          since,
          arms: [
            { variantName: champion, weight: championWeight },
            ...live.map((a) => ({ variantName: a.variantName, weight: a.weight })),
          ],
        };
  return {
    endpoint: endpoint.name,
    champion,
    variants,
    start,
    end,
    sloP99Seconds: endpoint.sloP99Ms / 1000,
    srm,
    shadowVariants: variants.slice(1),
  };
}
