import type { z } from "zod";
import { labelSchemaSchema, labelValueProblem, submitAnnotationInput } from "@/contracts/labels";
import { Prisma } from "@/server/db/generated/client";
import { badRequest, conflict, isUniqueViolation, notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { AuditedContext } from "@/server/services/context";
import { blindItemView } from "@/server/services/labels/item-views";
import { lockItem } from "@/server/services/labels/lock-item";
import { outcomeSpecOf } from "@/server/services/labels/model-spec";
import { nextItemsInput, type blindItemsOutput, type submittedOutput } from "@/server/services/labels/schemas";
import { parseInput } from "@/server/services/parse-input";

/**
 * Blind labelling. Invariants: an annotator is never shown another person's label of an item before giving their
 * own (nothing here reads Annotation except to exclude items they already labelled); one label per person per item
 * round (the unique key); an item moves to review exactly when its round has k labels (the item row is locked while
 * counting, so two people submitting the last two labels at once cannot both miss or both make the move).
 */

const PRIORITY_SQL = Prisma.sql`CASE i.stratum WHEN 'FLAGGED' THEN 0 WHEN 'DISAGREEMENT' THEN 1 WHEN 'UNCERTAINTY' THEN 2
  WHEN 'DRIFT' THEN 3 ELSE 4 END`;

/**
 * The next items I may label in a queue, in its order (flagged, disagreement, uncertainty, drift, audit; then the
 * score's closeness to the threshold; then the oldest), after `after` (keyset) — never ones I labelled this round.
 */
export async function nextItemsToLabel(
  ctx: AuditedContext,
  input: z.input<typeof nextItemsInput>,
): Promise<z.infer<typeof blindItemsOutput>> {
  const { queueId, after, limit } = parseInput(nextItemsInput, input);
  const queue = await ctx.db.labelQueue.findUnique({ where: { id: queueId }, include: { model: true } });
  if (!queue) throw notFound("Label queue");
  const threshold = queue.model.decisionThreshold;
  const uncertainty = Prisma.sql`COALESCE(abs(i.score - ${threshold}), 1e9)`;
  const key = Prisma.sql`(${PRIORITY_SQL}, ${uncertainty}, i."sampledAt", i.id)`;
  const afterClause = after
    ? Prisma.sql`AND ${key} > (SELECT ${PRIORITY_SQL}, ${uncertainty}, i."sampledAt", i.id FROM "LabelItem" i WHERE i.id = ${after})`
    : Prisma.empty;
  const ids = await ctx.db.$queryRaw<{ id: string }[]>`
    SELECT i.id FROM "LabelItem" i
    WHERE i."queueId" = ${queueId} AND i.status = 'LABELLING'
      AND NOT EXISTS (SELECT 1 FROM "Annotation" a
                      WHERE a."itemId" = i.id AND a."annotatorId" = ${ctx.actor.userId} AND a.round = i.round)
      ${afterClause}
    ORDER BY ${PRIORITY_SQL}, ${uncertainty}, i."sampledAt", i.id
    LIMIT ${limit}`;
  const items = await ctx.db.labelItem.findMany({ where: { id: { in: ids.map((r) => r.id) } } });
  const order = new Map(ids.map((r, index) => [r.id, index]));
  items.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const spec = outcomeSpecOf(queue.model);
  return {
    items: items.map((item) => blindItemView(item, spec)),
    labelSchema: labelSchemaSchema.parse(queue.labelSchema),
  };
}

/** Gives my label for an item's current round; the k-th label moves the item to review. Audited. */
export async function submitAnnotation(
  ctx: AuditedContext,
  input: z.input<typeof submitAnnotationInput>,
): Promise<z.infer<typeof submittedOutput>> {
  const { itemId, round, value } = parseInput(submitAnnotationInput, input);
  return ctx.db.$transaction(async (tx) => {
    const item = await lockItem(tx, itemId);
    if (item.status !== "LABELLING") throw conflict("This item is no longer waiting for labels");
    if (item.round !== round) throw conflict(`This item is now in round ${item.round}; reload it`);
    const problem = labelValueProblem(labelSchemaSchema.parse(item.queue.labelSchema), value);
    if (problem) throw badRequest(problem);
    await tx.annotation
      .create({ data: { itemId, annotatorId: ctx.actor.userId, round, value } })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? conflict("You have already labelled this item in this round") : error;
      });
    const given = await tx.annotation.count({ where: { itemId, round } });
    const status = given >= item.queue.overlap ? "REVIEW" : "LABELLING";
    if (status !== item.status) await tx.labelItem.update({ where: { id: itemId }, data: { status } });
    await recordAudit(tx, ctx.actor, {
      action: "labels.annotate",
      entityType: "LabelItem",
      entityId: itemId,
      after: { round, value, annotations: given, status },
    });
    return { itemId, round, status };
  });
}
