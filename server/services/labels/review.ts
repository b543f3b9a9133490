import type { z } from "zod";
import {
  labelSchemaSchema,
  labelValueProblem,
  labelValueSchema,
  reviewDecisionInput,
  type LabelValue,
} from "@/contracts/labels";
import { Prisma } from "@/server/db/generated/client";
import { AppError, badRequest, conflict, notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { AuditedContext } from "@/server/services/context";
import { writeGroundTruth } from "@/server/services/labels/ground-truth";
import { reviewItemViews, ROUND_DISAGREES, roundAgrees } from "@/server/services/labels/item-views";
import { lockItem } from "@/server/services/labels/lock-item";
import { outcomeSpecOf } from "@/server/services/labels/model-spec";
import {
  adjudicateInput,
  reviewListInput,
  type reviewedOutput,
  type reviewItemsOutput,
} from "@/server/services/labels/schemas";
import { parseInput } from "@/server/services/parse-input";

/**
 * Review. Invariants: a reviewer is never one of the item's annotators (in any round); one decision per item round
 * (the item row is locked and LabelReview is unique per (item, round), so two reviewers at once cannot both decide);
 * ACCEPT only when the round's labels agree (otherwise a reviewer adjudicates with their own value); REJECT needs a
 * reason and sends the item back for a new round, keeping the rejected labels; an accepted class or number is
 * ground truth in the same transaction; every decision is audited in it.
 */

/**
 * Items of a queue waiting for review that I may review (I labelled none of their rounds), by id (keyset `after`);
 * `agreement` narrows them to those whose labels agree (ACCEPT possible) or disagree (adjudication).
 */
export async function listItemsToReview(
  ctx: AuditedContext,
  input: z.input<typeof reviewListInput>,
): Promise<z.infer<typeof reviewItemsOutput>> {
  const { queueId, agreement, after, limit } = parseInput(reviewListInput, input);
  const queue = await ctx.db.labelQueue.findUnique({ where: { id: queueId }, include: { model: true } });
  if (!queue) throw notFound("Label queue");
  const filter =
    agreement === "all"
      ? Prisma.empty
      : agreement === "agreed"
        ? Prisma.sql`AND NOT ${ROUND_DISAGREES}`
        : Prisma.sql`AND ${ROUND_DISAGREES}`;
  const ids = await ctx.db.$queryRaw<{ id: string }[]>`
    SELECT i.id FROM "LabelItem" i
    WHERE i."queueId" = ${queueId} AND i.status = 'REVIEW'
      AND NOT EXISTS (SELECT 1 FROM "Annotation" a WHERE a."itemId" = i.id AND a."annotatorId" = ${ctx.actor.userId})
      ${after ? Prisma.sql`AND i.id > ${after}` : Prisma.empty}
      ${filter}
    ORDER BY i.id
    LIMIT ${limit}`;
  const items = await ctx.db.labelItem.findMany({
    where: { id: { in: ids.map((r) => r.id) } },
    orderBy: { id: "asc" },
    include: { annotations: { orderBy: { createdAt: "asc" } } },
  });
  return {
    items: await reviewItemViews(ctx, items, outcomeSpecOf(queue.model)),
    labelSchema: labelSchemaSchema.parse(queue.labelSchema),
  };
}

type Decision = z.infer<typeof reviewDecisionInput>;

function finalValueOf(decision: Decision, agreed: LabelValue | null): LabelValue | null {
  if (decision.decision === "REJECT") return null;
  if (decision.decision === "FIX_ACCEPT") return decision.value;
  if (!agreed) throw conflict("The labels disagree: adjudicate with your own value (Fix & Accept) or reject them");
  return agreed;
}

async function decide(
  ctx: AuditedContext,
  decision: Decision,
  action: string,
): Promise<z.infer<typeof reviewedOutput>> {
  const { itemId, round } = decision;
  return ctx.db.$transaction(async (tx) => {
    const item = await lockItem(tx, itemId);
    if (item.status !== "REVIEW" || item.round !== round) {
      throw conflict(`Round ${round} of this item is not waiting for review (someone may have reviewed it)`);
    }
    const annotations = await tx.annotation.findMany({ where: { itemId }, orderBy: { createdAt: "asc" } });
    if (annotations.some((a) => a.annotatorId === ctx.actor.userId)) {
      throw new AppError("FORBIDDEN", "You labelled this item, so someone else must review it");
    }
    const current = annotations.filter((a) => a.round === round);
    const agreed = roundAgrees(current) ? labelValueSchema.parse(current[0]!.value) : null;
    const finalValue = finalValueOf(decision, agreed);
    if (finalValue) {
      const problem = labelValueProblem(labelSchemaSchema.parse(item.queue.labelSchema), finalValue);
      if (problem) throw badRequest(problem);
    }
    const reason = decision.decision === "ACCEPT" ? null : (decision.reason ?? null);
    const now = new Date();
    await tx.labelReview.create({
      data: {
        itemId,
        round,
        reviewerId: ctx.actor.userId,
        decision: decision.decision,
        value: decision.decision === "FIX_ACCEPT" ? decision.value : undefined,
        reason,
      },
    });
    const accepted = finalValue !== null;
    const updated = await tx.labelItem.update({
      where: { id: itemId },
      data: accepted ? { status: "ACCEPTED", finalValue, decidedAt: now } : { status: "LABELLING", round: round + 1 },
    });
    const groundTruth = finalValue ? await writeGroundTruth(tx, item, finalValue, ctx.actor.userId, now) : false;
    await recordAudit(tx, ctx.actor, {
      action,
      entityType: "LabelItem",
      entityId: itemId,
      before: {
        status: item.status,
        round,
        labels: current.map((a) => ({ annotatorId: a.annotatorId, value: a.value ?? null })),
      },
      after: {
        decision: decision.decision,
        status: updated.status,
        round: updated.round,
        finalValue,
        reason,
        groundTruth,
      },
    });
    return {
      itemId,
      decision: decision.decision,
      status: updated.status,
      round: updated.round,
      finalValue,
      groundTruth,
    };
  });
}

/** ACCEPT (agreeing labels), FIX_ACCEPT (the reviewer's value) or REJECT (with a reason: back for a new round). */
export function reviewItem(ctx: AuditedContext, input: z.input<typeof reviewDecisionInput>) {
  return decide(ctx, parseInput(reviewDecisionInput, input), "labels.review");
}

/** Settles an item whose annotators disagree with the reviewer's value (recorded as FIX_ACCEPT). */
export async function adjudicateItem(ctx: AuditedContext, input: z.input<typeof adjudicateInput>) {
  const { itemId, round, value, reason } = parseInput(adjudicateInput, input);
  return decide(ctx, { itemId, round, decision: "FIX_ACCEPT", value, reason }, "labels.adjudicate");
}
