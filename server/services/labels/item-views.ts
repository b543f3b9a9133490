import type { z } from "zod";
import { labelStratumSchema } from "@/contracts/label-strata";
import { labelValueSchema, sameLabel } from "@/contracts/labels";
import { predictedOutcome, type OutcomeSpec } from "@/contracts/outcomes";
import { Prisma } from "@/server/db/generated/client";
import type { ReadContext } from "@/server/services/context";
import type { blindItemOutput, reviewItemOutput } from "@/server/services/labels/schemas";

type ItemRow = Prisma.LabelItemGetPayload<object>;
type AnnotationRow = { annotatorId: string; round: number; value: Prisma.JsonValue; createdAt: Date };

/** What an annotator may see of an item: the prediction and why it was sampled. Built without any annotation. */
export function blindItemView(item: ItemRow, spec: OutcomeSpec): z.infer<typeof blindItemOutput> {
  const predicted = predictedOutcome(spec, item.score);
  return {
    id: item.id,
    queueId: item.queueId,
    round: item.round,
    stratum: labelStratumSchema.parse(item.stratum),
    inclusionProbability: item.inclusionProbability,
    predictionId: item.predictionId,
    endpointId: item.endpointId,
    variantName: item.variantName,
    predictedAt: item.predictedAt,
    inputs: item.inputs,
    outputs: item.outputs,
    score: item.score,
    predicted: { label: predicted.label, value: predicted.value },
  };
}

/**
 * SQL: whether the current round of item `i` has labels that do not all say the same (`sameLabel`: a rating's comment
 * does not count; jsonb equality compares numbers by value, so 1 and 1.0 agree).
 */
export const ROUND_DISAGREES = Prisma.sql`(SELECT count(DISTINCT a.value - 'comment') FROM "Annotation" a
  WHERE a."itemId" = i.id AND a.round = i.round) > 1`;

/** Whether a round's labels all say the same. */
export function roundAgrees(annotations: readonly AnnotationRow[]): boolean {
  const values = annotations.map((a) => labelValueSchema.parse(a.value));
  return values.length > 0 && values.every((v) => sameLabel(v, values[0]!));
}

/** What a reviewer sees: the item and the current round's labels with who gave them. */
export async function reviewItemViews(
  ctx: ReadContext,
  items: readonly (ItemRow & { annotations: AnnotationRow[] })[],
  spec: OutcomeSpec,
): Promise<z.infer<typeof reviewItemOutput>[]> {
  const ids = [...new Set(items.flatMap((i) => i.annotations.map((a) => a.annotatorId)))];
  const users = await ctx.db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const names = new Map(users.map((u) => [u.id, u.name]));
  return items.map((item) => {
    const current = item.annotations.filter((a) => a.round === item.round);
    return {
      ...blindItemView(item, spec),
      status: item.status,
      agreed: roundAgrees(current),
      annotations: current.map((a) => ({
        annotator: { id: a.annotatorId, name: names.get(a.annotatorId) ?? "(unknown)" },
        round: a.round,
        value: labelValueSchema.parse(a.value),
        createdAt: a.createdAt,
      })),
    };
  });
}
