import { AB_METRICS, type AbMetricKey } from "@/contracts/abtests";
import { Prisma } from "@/server/db/generated/client";
import type { Db } from "@/server/db/client";
import { positiveOf, unitSql } from "@/server/services/abtests/measured-baseline";
import type { ArmSummary } from "@/server/services/abtests/statistics/arms";
import type { MetricReading } from "@/server/services/abtests/analysis/types";
import { rawRanges, wholeHours, type RawRange } from "@/server/services/abtests/analysis/slices/hours";
import {
  lockMark,
  predictedWithin,
  readSlices,
  refreshSlices,
  SLICE_TRANSACTION,
  type SliceCounter,
} from "@/server/services/abtests/analysis/slices/slice-store";
import {
  addOutcomeSums,
  armFromSums,
  NO_OUTCOMES,
  totalsByVariant,
  type OutcomeSums,
} from "@/server/services/abtests/analysis/slices/sums";

type Tx = Prisma.TransactionClient;

export type OutcomeScope = {
  testId: string;
  endpointId: string;
  variants: readonly string[];
  start: Date;
  /** The window's end less the label delay: later predictions may still be waiting for their outcome. */
  cutoff: Date;
  model: { outcomeClasses: string[] };
  /** The look's time; with `recount`, every hour is counted again (a decision's look), not only what changed. */
  now: Date;
  recount?: boolean;
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

type Unit = { key: AbMetricKey; where: Prisma.Sql; value: Prisma.Sql };

const float8Array = (parts: Prisma.Sql[]) =>
  parts.length > 0 ? Prisma.sql`ARRAY[${Prisma.join(parts)}]::float8[]` : Prisma.sql`'{}'::float8[]`;

/** Per metric units, Σ value and Σ value², and the weighted outcomes: one arm's OutcomeSums as SQL columns. */
function sumColumns(units: readonly Unit[]): Prisma.Sql {
  return Prisma.sql`
    ${float8Array(units.map(({ where }) => Prisma.sql`count(*) FILTER (WHERE ${where})`))} AS units,
    ${float8Array(units.map(({ where, value }) => Prisma.sql`coalesce(sum(${value}) FILTER (WHERE ${where}), 0)`))} AS sums,
    ${float8Array(
      units.map(({ where, value }) => Prisma.sql`coalesce(sum((${value})::float8 ^ 2) FILTER (WHERE ${where}), 0)`),
    )} AS squares,
    sum(1.0 / "inclusionProbability")::float8 AS weighted`;
}

const feedbackOf = (scope: OutcomeScope) => Prisma.sql`"endpointId" = ${scope.endpointId} AND "source" = 'FEEDBACK'
  AND "variantName" IN (${Prisma.join(scope.variants)})`;

function outcomeCounter(scope: OutcomeScope, units: readonly Unit[]): SliceCounter {
  return {
    kind: "OUTCOME",
    count: (tx, testId, within) =>
      tx.$executeRaw`
      INSERT INTO "AbTestSlice" ("testId", "kind", "hour", "variantName", "units", "sums", "squares", "weighted", "bins")
      SELECT ${testId}, 'OUTCOME', date_trunc('hour', "predictedAt"), "variantName", ${sumColumns(units)}, '{}'
      FROM "PredictionOutcome" WHERE ${feedbackOf(scope)} AND ${within}
      GROUP BY 3, 4`.then(() => undefined),
    changedHours: async (tx, since, span) => {
      const rows = await tx.$queryRaw<Array<{ hour: Date }>>`
        SELECT DISTINCT date_trunc('hour', "predictedAt") AS hour FROM "PredictionOutcome"
        WHERE "endpointId" = ${scope.endpointId} AND "updatedAt" >= ${since}
          AND "predictedAt" >= ${span.firstHour} AND "predictedAt" < ${span.throughHour}`;
      return rows.map((row) => row.hour);
    },
  };
}

async function readRaw(tx: Tx, scope: OutcomeScope, units: readonly Unit[], ranges: readonly RawRange[]) {
  return tx.$queryRaw<Array<{ variantName: string } & OutcomeSums>>`
    SELECT "variantName", ${sumColumns(units)}
    FROM "PredictionOutcome" WHERE ${feedbackOf(scope)} AND ${predictedWithin(ranges)}
    GROUP BY 1`;
}

/**
 * Each arm's ground-truth sums over [start, cutoff], in one transaction: whole hours from the test's slices (counted
 * again where outcomes changed since), the ragged ends from the prediction log.
 */
async function sumsByVariant(tx: Tx, scope: OutcomeScope, units: readonly Unit[]) {
  const span = wholeHours(scope.start, scope.cutoff);
  const rows: Array<{ variantName: string } & OutcomeSums> = [];
  if (span) {
    const counter = outcomeCounter(scope, units);
    // What the slices sum depends on the metrics and on which class is positive: either changing counts afresh.
    const metrics = [...units.map((unit) => unit.key), `positive:${positiveOf(scope.model)}`];
    const mark = await lockMark(tx, scope.testId, "OUTCOME", span);
    const restart = scope.recount === true || mark.metrics.join() !== metrics.join();
    await refreshSlices(tx, scope.testId, counter, span, mark, {
      restart,
      now: scope.now,
      fields: { metrics, edges: [], edgeSample: 0 },
    });
    rows.push(...(await readSlices(tx, scope.testId, "OUTCOME", span)));
  }
  rows.push(...(await readRaw(tx, scope, units, rawRanges(scope.start, scope.cutoff, span))));
  return totalsByVariant(rows, addOutcomeSums, NO_OUTCOMES);
}

/**
 * Every ground-truth metric of the test per arm, aggregated in PostgreSQL: units, Σ value and Σ value² of each
 * metric's per-unit value (a 0/1 for proportions), among feedback-API outcomes of predictions made in [start, cutoff]
 * (reviewed labels are stratified samples, biased for a plain mean; see measured-baseline.ts). Metrics not read from
 * ground truth are left out. The same sums count the outcomes the waiting share needs.
 */
export async function readOutcomeMetrics(
  ctx: { db: Db },
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
  const totals = await ctx.db.$transaction((tx) => sumsByVariant(tx, scope, units), SLICE_TRANSACTION);
  const readings = Object.fromEntries(
    units.map(({ key }, i) => {
      const kind = AB_METRICS[key].kind === "proportion" ? "proportion" : "mean";
      const arms = new Map<string, ArmSummary>();
      for (const [variantName, sums] of totals) {
        const arm = armFromSums(kind, sums.units[i] ?? 0, sums.sums[i] ?? 0, sums.squares[i] ?? 0);
        if (arm) arms.set(variantName, arm);
      }
      return [key, { ok: true, arms }];
    }),
  );
  return { readings, withOutcome: new Map([...totals].map(([variantName, sums]) => [variantName, sums.weighted])) };
}
