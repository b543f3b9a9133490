import { AB_METRICS, type AbMetricKey } from "@/contracts/abtests";
import { classesOf } from "@/contracts/outcomes";
import { Prisma } from "@/server/db/generated/client";

const DAY_MS = 86_400_000;
/** The champion's ground truth a measured baseline is read from. */
export const BASELINE_WINDOW_DAYS = 28;
/** The traffic an expected duration is read from. */
export const TRAFFIC_WINDOW_DAYS = 7;
/** Fewer units than this and the baseline must be entered. */
export const MIN_BASELINE_UNITS = 30;

/** Reads with raw SQL (a transaction or the client). */
type SqlReader = { db: Pick<Prisma.TransactionClient, "$queryRaw"> };

/**
 * One unit of a ground-truth metric in SQL: which outcome rows are its units (its denominator) and each one's value.
 * A precision unit is a positive prediction with a label, a recall unit an actual positive with a prediction, a
 * false-positive-rate unit an actual negative with a prediction.
 */
export function unitSql(key: AbMetricKey, positive: string): { where: Prisma.Sql; value: Prisma.Sql } | undefined {
  switch (key) {
    case "accuracy":
      return {
        where: Prisma.sql`"label" IS NOT NULL AND "predictedLabel" IS NOT NULL`,
        value: Prisma.sql`("label" = "predictedLabel")::int`,
      };
    case "precision":
      return {
        where: Prisma.sql`"predictedLabel" = ${positive} AND "label" IS NOT NULL`,
        value: Prisma.sql`("label" = ${positive})::int`,
      };
    case "recall":
      return {
        where: Prisma.sql`"label" = ${positive} AND "predictedLabel" IS NOT NULL`,
        value: Prisma.sql`("predictedLabel" = ${positive})::int`,
      };
    case "false_positive_rate":
      return {
        where: Prisma.sql`"label" IS NOT NULL AND "label" <> ${positive} AND "predictedLabel" IS NOT NULL`,
        value: Prisma.sql`("predictedLabel" = ${positive})::int`,
      };
    // The squared error of the score as the positive class's probability (a binary classifier's first output).
    case "brier_score":
      return {
        where: Prisma.sql`"label" IS NOT NULL AND "score" IS NOT NULL`,
        value: Prisma.sql`("score" - ("label" = ${positive})::int) ^ 2`,
      };
    case "absolute_error":
      return {
        where: Prisma.sql`"value" IS NOT NULL AND "predictedValue" IS NOT NULL`,
        value: Prisma.sql`abs("predictedValue" - "value")`,
      };
    default:
      return undefined;
  }
}

export const positiveOf = (model: { outcomeClasses: string[] }) => classesOf(model.outcomeClasses).at(-1) ?? "1";

/**
 * The champion's baseline from its recent ground truth sent through the feedback API (human labels are left out: their
 * items were sampled by stratum, over-weighting uncertain predictions, so a plain mean over them is biased): a
 * proportion metric's rate, a mean metric's per-unit standard deviation, aggregated in PostgreSQL. Undefined when the
 * metric is not read from ground truth or has fewer than MIN_BASELINE_UNITS units.
 */
export async function measuredBaseline(
  ctx: SqlReader,
  endpointId: string,
  versionId: string,
  model: { outcomeClasses: string[] },
  key: AbMetricKey,
  now: Date,
): Promise<{ baseline: number; units: number } | undefined> {
  const unit = unitSql(key, positiveOf(model));
  if (!unit) return undefined;
  const since = new Date(now.getTime() - BASELINE_WINDOW_DAYS * DAY_MS);
  const [row] = await ctx.db.$queryRaw<Array<{ units: number; mean: number | null; sd: number | null }>>(Prisma.sql`
    SELECT count(*)::int AS units, avg(${unit.value})::float8 AS mean, stddev_samp(${unit.value})::float8 AS sd
    FROM "PredictionOutcome"
    WHERE "endpointId" = ${endpointId} AND "versionId" = ${versionId} AND "source" = 'FEEDBACK'
      AND "predictedAt" >= ${since} AND ${unit.where}`);
  if (!row || row.units < MIN_BASELINE_UNITS || row.mean === null) return undefined;
  const baseline = AB_METRICS[key].kind === "proportion" ? row.mean : (row.sd ?? 0);
  const usable = AB_METRICS[key].kind === "proportion" ? baseline > 0 && baseline < 1 : baseline > 0;
  return usable ? { baseline, units: row.units } : undefined;
}

/** The shortest span traffic is measured over: a rate read from seconds of traffic would be noise. */
const MIN_TRAFFIC_SPAN_MS = 10 * 60_000;

/**
 * Units a day over the last TRAFFIC_WINDOW_DAYS, the units the analysis will have: for a ground-truth metric, the
 * metric's units among feedback outcomes (a precision unit is a positive prediction with an outcome); for the error
 * rate, requests — captured first rows weighted by the inverse of their capture probability (0 with capture off:
 * the duration is then unknown). Divided by the span since the first unit in the window (at least 10 minutes), so an
 * endpoint serving for an hour is not read as a seventh of its rate.
 */
export async function unitsPerDay(
  ctx: SqlReader,
  endpointId: string,
  model: { outcomeClasses: string[] },
  key: AbMetricKey,
  now: Date,
): Promise<number> {
  const since = new Date(now.getTime() - TRAFFIC_WINDOW_DAYS * DAY_MS);
  const unit = unitSql(key, positiveOf(model));
  const [row] = unit
    ? await ctx.db.$queryRaw<Array<{ units: number; first: Date | null }>>(Prisma.sql`
        SELECT count(*)::float8 AS units, min("predictedAt") AS first FROM "PredictionOutcome"
        WHERE "endpointId" = ${endpointId} AND "source" = 'FEEDBACK' AND "predictedAt" >= ${since}
          AND "predictedAt" <= ${now} AND ${unit.where}`)
    : await ctx.db.$queryRaw<Array<{ units: number; first: Date | null }>>(Prisma.sql`
        SELECT coalesce(sum(1.0 / "captureProbability"), 0)::float8 AS units, min("predictedAt") AS first
        FROM "CapturedPrediction"
        WHERE "endpointId" = ${endpointId} AND "predictedAt" >= ${since} AND "predictedAt" <= ${now}
          AND "rowIndex" = 0 AND "mirrorOf" IS NULL`);
  if (!row?.first || !(row.units > 0)) return 0;
  const span = Math.max(MIN_TRAFFIC_SPAN_MS, now.getTime() - row.first.getTime());
  return (row.units * DAY_MS) / span;
}
