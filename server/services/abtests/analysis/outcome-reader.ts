import { AB_METRICS, type AbMetricKey } from "@/contracts/abtests";
import { Prisma } from "@/server/db/generated/client";
import { positiveOf, unitSql } from "@/server/services/abtests/measured-baseline";
import type { ArmSummary } from "@/server/services/abtests/statistics/arms";
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

type AggregateRow = { variantName: string } & Record<string, number | string | null>;

/**
 * Every ground-truth metric of the test per arm in one pass over PredictionOutcome, aggregated in PostgreSQL: units,
 * mean and sample variance of each metric's per-unit value (a 0/1 for proportions), among feedback-API outcomes of
 * predictions made in [start, cutoff] (reviewed labels are stratified samples, biased for a plain mean; see
 * measured-baseline.ts). Metrics not read from ground truth are left out.
 */
export async function readOutcomeMetrics(
  ctx: SqlReader,
  scope: OutcomeScope,
  keys: readonly AbMetricKey[],
): Promise<Partial<Record<AbMetricKey, MetricReading>>> {
  const positive = positiveOf(scope.model);
  const units = keys.flatMap((key) => {
    const unit = unitSql(key, positive);
    return unit ? [{ key, ...unit }] : [];
  });
  if (units.length === 0) return {};
  if (scope.cutoff < scope.start) {
    const note = "no outcomes yet: every prediction of the test is younger than the model's label delay";
    return Object.fromEntries(units.map(({ key }) => [key, { ok: true, arms: new Map(), emptyNote: note }]));
  }
  const columns = units.map(
    ({ where, value }, i) => Prisma.sql`
      count(*) FILTER (WHERE ${where})::int AS ${Prisma.raw(`n${i}`)},
      avg(${value}) FILTER (WHERE ${where})::float8 AS ${Prisma.raw(`m${i}`)},
      var_samp(${value}) FILTER (WHERE ${where})::float8 AS ${Prisma.raw(`v${i}`)}`,
  );
  const rows = await ctx.db.$queryRaw<AggregateRow[]>(Prisma.sql`
    SELECT "variantName", ${Prisma.join(columns)}
    FROM "PredictionOutcome"
    WHERE "endpointId" = ${scope.endpointId} AND "source" = 'FEEDBACK'
      AND "variantName" IN (${Prisma.join(scope.variants)})
      AND "predictedAt" >= ${scope.start} AND "predictedAt" <= ${scope.cutoff}
    GROUP BY "variantName"`);
  return Object.fromEntries(
    units.map(({ key }, i) => {
      const arms = new Map<string, ArmSummary>();
      for (const row of rows) {
        const n = Number(row[`n${i}`] ?? 0);
        const mean = row[`m${i}`];
        if (!(n > 0) || typeof mean !== "number") continue;
        // A proportion's plug-in variance p(1 − p) (as proportionArm); a mean metric's sample variance (0 for one unit).
        const variance = AB_METRICS[key].kind === "proportion" ? mean * (1 - mean) : Number(row[`v${i}`] ?? 0);
        arms.set(row.variantName, { n, mean, variance });
      }
      return [key, { ok: true, arms }];
    }),
  );
}

export type WaitingRow = { variantName: string; predictions: number; waiting: number };

/**
 * Per arm, the window's live predictions (CapturedPrediction rows, shadow mirrors excluded) and how many still wait for
 * a usable outcome: made after the cutoff, or before it with no feedback outcome yet. Each captured row stands for
 * 1/captureProbability predictions (Horvitz–Thompson), so with a capture rate below 1 both counts estimate all
 * predictions, not only the captured ones; at capture rate 1 they are plain counts.
 */
export async function readWaiting(ctx: SqlReader, scope: OutcomeScope & { end: Date }): Promise<WaitingRow[]> {
  return ctx.db.$queryRaw<WaitingRow[]>(Prisma.sql`
    SELECT c."variantName",
      coalesce(sum(1.0 / c."captureProbability"), 0)::float8 AS predictions,
      coalesce(sum(1.0 / c."captureProbability") FILTER (WHERE c."predictedAt" > ${scope.cutoff} OR o."predictionId" IS NULL), 0)::float8 AS waiting
    FROM "CapturedPrediction" c
    LEFT JOIN (
      SELECT DISTINCT "predictionId" FROM "PredictionOutcome"
      WHERE "endpointId" = ${scope.endpointId} AND "source" = 'FEEDBACK'
        AND "predictedAt" >= ${scope.start} AND "predictedAt" <= ${scope.cutoff}
    ) o ON o."predictionId" = c."id"
    WHERE c."endpointId" = ${scope.endpointId} AND c."mirrorOf" IS NULL
      AND c."variantName" IN (${Prisma.join(scope.variants)})
      AND c."predictedAt" >= ${scope.start} AND c."predictedAt" <= ${scope.end}
    GROUP BY c."variantName"`);
}
