import type { z } from "zod";
import { gateMetricResultSchema, higherIsBetter } from "@/contracts/golden-sets";
import type { ReadContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { normalQuantile } from "@/server/services/quality/estimators/normal-quantile";
import { type ruleSizeCheckOutput, setGateRuleInput } from "@/server/services/quality/gate/schemas";

/**
 * Whether a golden set can detect a rule's margins, before the rule is saved: for each criterion with a margin, the
 * half-width of the interval of Δ it would get. Measured when an evaluation of the model on that golden set computed
 * the metric (the interval it found); otherwise, for the proportion metrics (accuracy, precision, recall, F1), the
 * worst case for two uncorrelated models, z·√(2·¼/n) with n the rows behind the metric (the rows of the class for
 * per-class metrics). Paired models usually agree, so the real interval is narrower: this bound errs towards warning.
 * Errors (MAE, RMSE) have no bound without data: only a measured interval answers for them.
 */
export async function ruleSizeCheck(
  ctx: ReadContext,
  rawInput: z.input<typeof setGateRuleInput>,
): Promise<z.infer<typeof ruleSizeCheckOutput>> {
  const { modelName, rule } = parseInput(setGateRuleInput, rawInput);
  const goldenSet = await ctx.db.goldenSet.findFirst({
    where: { model: { name: modelName }, ...(rule.goldenSetName ? { name: rule.goldenSetName } : {}) },
    orderBy: [{ createdAt: "desc" }, { version: "desc" }],
    select: { id: true, name: true, version: true, rowCount: true },
  });
  if (!goldenSet) return { goldenSet: null, criteria: [] };
  const [classCounts, measured] = await Promise.all([
    ctx.db.goldenSetRow.groupBy({
      by: ["expectedLabel"],
      where: { goldenSetId: goldenSet.id },
      _count: { _all: true },
    }),
    ctx.db.gateEvaluation.findFirst({
      where: { goldenSetId: goldenSet.id, status: { in: ["PASSED", "FAILED"] } },
      orderBy: { finishedAt: "desc" },
      select: { metrics: true },
    }),
  ]);
  const measuredMetrics = gateMetricResultSchema.array().safeParse(measured?.metrics ?? []);
  const z = normalQuantile(1 - (1 - rule.confidenceLevel) / 2);
  return {
    goldenSet,
    criteria: rule.criteria.map((criterion) => {
      const rows =
        criterion.class === null
          ? goldenSet.rowCount
          : (classCounts.find((c) => c.expectedLabel === criterion.class)?._count._all ?? 0);
      const found = measuredMetrics.success
        ? measuredMetrics.data.find((m) => m.metric === criterion.metric && m.class === criterion.class)
        : undefined;
      const measuredHalfWidth =
        found && found.ciLower !== null && found.ciUpper !== null ? (found.ciUpper - found.ciLower) / 2 : null;
      const boundHalfWidth = !higherIsBetter(criterion.metric) ? null : rows === 0 ? null : z * Math.sqrt(0.5 / rows);
      const halfWidth = measuredHalfWidth ?? boundHalfWidth;
      return {
        metric: criterion.metric,
        class: criterion.class,
        margin: criterion.margin,
        rows,
        halfWidth,
        measured: measuredHalfWidth !== null,
        tooSmall:
          criterion.margin === null ? false : rows === 0 || (halfWidth !== null && halfWidth > criterion.margin),
      };
    }),
  };
}
