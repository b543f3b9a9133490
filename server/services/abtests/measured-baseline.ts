import { AB_METRICS, type AbMetricKey } from "@/contracts/abtests";
import { classesOf } from "@/contracts/outcomes";
import type { Prisma } from "@/server/db/generated/client";

/** Reads the outcome and capture tables (a transaction or the client). */
type OutcomeReader = { db: Pick<Prisma.TransactionClient, "predictionOutcome" | "capturedPrediction"> };

const DAY_MS = 86_400_000;
/** The champion's ground truth a measured baseline is read from. */
export const BASELINE_WINDOW_DAYS = 28;
/** The traffic an expected duration is read from. */
export const TRAFFIC_WINDOW_DAYS = 7;

type OutcomeRow = {
  predictedLabel: string | null;
  label: string | null;
  predictedValue: number | null;
  value: number | null;
};

/** One unit of a ground-truth metric: whether the row counts (its denominator) and its value. */
function unitOf(key: AbMetricKey, positive: string, row: OutcomeRow): number | undefined {
  switch (key) {
    case "accuracy":
      return row.label !== null && row.predictedLabel !== null ? Number(row.label === row.predictedLabel) : undefined;
    case "precision":
      return row.predictedLabel === positive && row.label !== null ? Number(row.label === positive) : undefined;
    case "recall":
      return row.label === positive && row.predictedLabel !== null
        ? Number(row.predictedLabel === positive)
        : undefined;
    case "absolute_error":
      return row.value !== null && row.predictedValue !== null ? Math.abs(row.predictedValue - row.value) : undefined;
    default:
      return undefined;
  }
}

/**
 * The champion's baseline from its recent ground truth sent through the feedback API (human labels are left out: their
 * items were sampled by stratum, over-weighting uncertain predictions, so a plain mean over them is biased): a proportion metric's rate, a mean metric's per-unit standard
 * deviation. Undefined when the metric is not read from ground truth or too few outcomes exist (fewer than 30).
 */
export async function measuredBaseline(
  ctx: OutcomeReader,
  endpointId: string,
  versionId: string,
  model: { outcomeClasses: string[] },
  key: AbMetricKey,
  now: Date,
): Promise<{ baseline: number; units: number } | undefined> {
  const kind = AB_METRICS[key].kind;
  if (kind !== "proportion" && kind !== "mean") return undefined;
  const rows = await ctx.db.predictionOutcome.findMany({
    where: {
      endpointId,
      versionId,
      source: "FEEDBACK",
      predictedAt: { gte: new Date(now.getTime() - BASELINE_WINDOW_DAYS * DAY_MS) },
    },
    select: { predictedLabel: true, label: true, predictedValue: true, value: true },
  });
  const positive = classesOf(model.outcomeClasses).at(-1) ?? "1";
  const units = rows.map((row) => unitOf(key, positive, row)).filter((unit) => unit !== undefined);
  if (units.length < 30) return undefined;
  const mean = units.reduce((sum, unit) => sum + unit, 0) / units.length;
  if (kind === "proportion") return mean > 0 && mean < 1 ? { baseline: mean, units: units.length } : undefined;
  const variance = units.reduce((sum, unit) => sum + (unit - mean) ** 2, 0) / (units.length - 1);
  return variance > 0 ? { baseline: Math.sqrt(variance), units: units.length } : undefined;
}

/**
 * Units a day over the last TRAFFIC_WINDOW_DAYS: captured predictions for a per-request metric, predictions with an
 * outcome from the feedback API for a ground-truth metric (the units its analysis will have).
 */
export async function unitsPerDay(
  ctx: OutcomeReader,
  endpointId: string,
  key: AbMetricKey,
  now: Date,
): Promise<number> {
  const since = new Date(now.getTime() - TRAFFIC_WINDOW_DAYS * DAY_MS);
  const kind = AB_METRICS[key].kind;
  const where = { endpointId, predictedAt: { gte: since, lte: now } };
  const count =
    kind === "proportion" || kind === "mean"
      ? await ctx.db.predictionOutcome.count({ where: { ...where, source: "FEEDBACK" } })
      : await ctx.db.capturedPrediction.count({ where: { ...where, mirrorOf: null } });
  return count / TRAFFIC_WINDOW_DAYS;
}
