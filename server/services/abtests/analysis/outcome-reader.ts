import { AB_METRICS, type AbMetricKey } from "@/contracts/abtests";
import { Prisma } from "@/server/db/generated/client";
import { positiveOf, unitSql } from "@/server/services/abtests/measured-baseline";
import { adjustedProportionArm, type ArmSummary } from "@/server/services/abtests/statistics/arms";
import type { MetricReading } from "@/server/services/abtests/analysis/types";

type SqlReader = { db: Pick<Prisma.TransactionClient, "$queryRaw"> };

export type OutcomeScope = {
  endpointId: string;
  variants: readonly string[];
  start: Date;
  /** The window's end less the label delay: later predictions may still be waiting for their outcome. */
  cutoff: Date;
  model: { outcomeClasses: string[] };
};

export type OutcomeMetrics = {
  readings: Partial<Record<AbMetricKey, MetricReading>>;
  /**
   * Per arm, the predictions in [start, cutoff] that have a feedback outcome, each weighted by 1/inclusionProbability
   * (for feedback, the capture probability: so it counts predictions, as the captured side does). A prediction has at
   * most one feedback outcome (PredictionOutcome is unique on prediction and source), so no join is needed.
   */
  withOutcome: Map<string, number>;
};

type AggregateRow = { variantName: string } & Record<string, number | string | null>;

/**
 * Every ground-truth metric of the test per arm in one pass over PredictionOutcome, aggregated in PostgreSQL: units,
 * mean and sample variance of each metric's per-unit value (a 0/1 for proportions), among feedback-API outcomes of
 * predictions made in [start, cutoff] (reviewed labels are stratified samples, biased for a plain mean; see
 * measured-baseline.ts). Metrics not read from ground truth are left out. The same pass counts the outcomes the waiting
 * share needs.
 */
export async function readOutcomeMetrics(
  ctx: SqlReader,
  scope: OutcomeScope,
  keys: readonly AbMetricKey[],
): Promise<OutcomeMetrics> {
  const positive = positiveOf(scope.model);
  const units = keys.flatMap((key) => {
    const unit = unitSql(key, positive);
    return unit ? [{ key, ...unit }] : [];
  });
  if (scope.cutoff < scope.start) {
    const note = "no outcomes yet: every prediction of the test is younger than the model's label delay";
    return {
      readings: Object.fromEntries(units.map(({ key }) => [key, { ok: true, arms: new Map(), emptyNote: note }])),
      withOutcome: new Map(),
    };
  }
  const columns = units.map(
    ({ where, value }, i) => Prisma.sql`
      count(*) FILTER (WHERE ${where})::int AS ${Prisma.raw(`n${i}`)},
      avg(${value}) FILTER (WHERE ${where})::float8 AS ${Prisma.raw(`m${i}`)},
      var_samp(${value}) FILTER (WHERE ${where})::float8 AS ${Prisma.raw(`v${i}`)}`,
  );
  const rows = await ctx.db.$queryRaw<AggregateRow[]>(Prisma.sql`
    SELECT "variantName", sum(1.0 / "inclusionProbability")::float8 AS "withOutcome"${
      columns.length > 0 ? Prisma.sql`, ${Prisma.join(columns)}` : Prisma.empty
    }
    FROM "PredictionOutcome"
    WHERE "endpointId" = ${scope.endpointId} AND "source" = 'FEEDBACK'
      AND "variantName" IN (${Prisma.join(scope.variants)})
      AND "predictedAt" >= ${scope.start} AND "predictedAt" <= ${scope.cutoff}
    GROUP BY "variantName"`);
  const readings = Object.fromEntries(
    units.map(({ key }, i) => {
      const arms = new Map<string, ArmSummary>();
      for (const row of rows) {
        const n = Number(row[`n${i}`] ?? 0);
        const mean = row[`m${i}`];
        if (!(n > 0) || typeof mean !== "number") continue;
        // A proportion's Agresti–Caffo adjusted variance (adjustedProportionArm); a mean metric's sample variance.
        if (AB_METRICS[key].kind === "proportion") {
          arms.set(row.variantName, { ...adjustedProportionArm(Math.round(mean * n), n), mean });
          continue;
        }
        arms.set(row.variantName, { n, mean, variance: Number(row[`v${i}`] ?? 0) });
      }
      return [key, { ok: true, arms }];
    }),
  );
  return { readings, withOutcome: new Map(rows.map((row) => [row.variantName, Number(row.withOutcome ?? 0)])) };
}
