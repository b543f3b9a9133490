import { randomBytes } from "node:crypto";
import type { z } from "zod";
import {
  createLabelQueueInput,
  labelSchemaSchema,
  samplingSettingsSchema,
  updateLabelQueueInput,
} from "@/contracts/labels";
import { can } from "@/server/auth/roles";
import { conflict, isUniqueViolation, notFound } from "@/server/errors";
import type { Prisma } from "@/server/db/generated/client";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { AuditedContext } from "@/server/services/context";
import { ROUND_DISAGREES } from "@/server/services/labels/item-views";
import { defaultLabelSchema } from "@/server/services/labels/model-spec";
import type { myQueuesOutput, queueOutput } from "@/server/services/labels/schemas";
import { parseInput } from "@/server/services/parse-input";

const queueInclude = { model: { select: { id: true, name: true, teamId: true } } } as const;
type QueueRow = Prisma.LabelQueueGetPayload<{ include: typeof queueInclude }>;

export function queueView(queue: QueueRow): z.infer<typeof queueOutput> {
  return {
    id: queue.id,
    name: queue.name,
    model: queue.model,
    labelSchema: labelSchemaSchema.parse(queue.labelSchema),
    overlap: queue.overlap,
    dailyBudget: queue.dailyBudget,
    sampling: samplingSettingsSchema.parse(queue.sampling),
    cursorAt: queue.cursorAt,
    createdById: queue.createdById,
    createdAt: queue.createdAt,
    updatedAt: queue.updatedAt,
  };
}

/** A new queue for a model (its label schema defaults from the model). Audited. */
export async function createLabelQueue(
  ctx: AuditedContext,
  input: z.input<typeof createLabelQueueInput>,
): Promise<z.infer<typeof queueOutput>> {
  const { modelName, labelSchema, ...settings } = parseInput(createLabelQueueInput, input);
  return ctx.db.$transaction(async (tx) => {
    const model = await tx.registeredModel.findUnique({ where: { name: modelName } });
    if (!model) throw notFound(`Model "${modelName}"`);
    const schema = labelSchema ?? defaultLabelSchema(model);
    const queue = await tx.labelQueue
      .create({
        data: {
          ...settings,
          modelId: model.id,
          labelSchema: schema,
          salt: randomBytes(16).toString("hex"),
          createdById: ctx.actor.userId,
        },
        include: queueInclude,
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? conflict(`"${modelName}" already has a queue "${settings.name}"`) : error;
      });
    await recordAudit(tx, ctx.actor, {
      action: "labels.queue.create",
      entityType: "LabelQueue",
      entityId: queue.id,
      after: {
        model: modelName,
        name: queue.name,
        labelSchema: schema,
        overlap: queue.overlap,
        dailyBudget: queue.dailyBudget,
      },
    });
    return queueView(queue);
  });
}

/**
 * Changes a queue's name, overlap, budget or sampling (its label schema is fixed once created: labels already given
 * would not fit another). Audited with before and after.
 */
export async function updateLabelQueue(
  ctx: AuditedContext,
  input: z.input<typeof updateLabelQueueInput>,
): Promise<z.infer<typeof queueOutput>> {
  const { queueId, ...changes } = parseInput(updateLabelQueueInput, input);
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.labelQueue.findUnique({ where: { id: queueId } });
    if (!before) throw notFound("Label queue");
    const queue = await tx.labelQueue
      .update({ where: { id: queueId }, data: changes, include: queueInclude })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? conflict(`The model already has a queue "${changes.name}"`) : error;
      });
    await recordAudit(tx, ctx.actor, {
      action: "labels.queue.update",
      entityType: "LabelQueue",
      entityId: queueId,
      before: {
        name: before.name,
        overlap: before.overlap,
        dailyBudget: before.dailyBudget,
        sampling: before.sampling ?? {},
      },
      after: {
        name: queue.name,
        overlap: queue.overlap,
        dailyBudget: queue.dailyBudget,
        sampling: queue.sampling ?? {},
      },
    });
    return queueView(queue);
  });
}

export async function getLabelQueue(ctx: Pick<AuditedContext, "db">, queueId: string) {
  const queue = await ctx.db.labelQueue.findUnique({ where: { id: queueId }, include: queueInclude });
  if (!queue) throw notFound("Label queue");
  return queueView(queue);
}

const startOfUtcDay = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

type CountRow = {
  queueId: string;
  labelling: number;
  review: number;
  accepted: number;
  toLabel: number;
  toReview: number;
  toAdjudicate: number;
  sampledToday: number;
};

/**
 * The queues of my team's models (every queue for admins), with counts by status and what waits on me: items whose
 * current round I have not labelled, and (if I may review) items in review that I labelled in no round — of which
 * those whose current round's labels disagree need adjudication — and the items sampled since UTC midnight (the
 * daily budget's spend, as the sampler counts it).
 */
export async function listMyQueues(ctx: AuditedContext): Promise<z.infer<typeof myQueuesOutput>> {
  const { actor } = ctx;
  const queues = await ctx.db.labelQueue.findMany({
    where: actor.role === "ADMIN" ? {} : { model: { teamId: actor.teamId ?? "" } },
    include: queueInclude,
    orderBy: [{ model: { name: "asc" } }, { name: "asc" }],
  });
  if (queues.length === 0) return [];
  const rows = await ctx.db.$queryRaw<CountRow[]>`
    SELECT i."queueId",
      count(*) FILTER (WHERE i.status = 'LABELLING')::int AS labelling,
      count(*) FILTER (WHERE i.status = 'REVIEW')::int AS review,
      count(*) FILTER (WHERE i.status = 'ACCEPTED')::int AS accepted,
      count(*) FILTER (WHERE i.status = 'LABELLING' AND NOT EXISTS (
        SELECT 1 FROM "Annotation" a WHERE a."itemId" = i.id AND a."annotatorId" = ${actor.userId} AND a.round = i.round
      ))::int AS "toLabel",
      count(*) FILTER (WHERE i.status = 'REVIEW' AND NOT EXISTS (
        SELECT 1 FROM "Annotation" a WHERE a."itemId" = i.id AND a."annotatorId" = ${actor.userId}
      ))::int AS "toReview",
      count(*) FILTER (WHERE i.status = 'REVIEW' AND NOT EXISTS (
        SELECT 1 FROM "Annotation" a WHERE a."itemId" = i.id AND a."annotatorId" = ${actor.userId}
      ) AND ${ROUND_DISAGREES})::int AS "toAdjudicate",
      count(*) FILTER (WHERE i."sampledAt" >= ${startOfUtcDay(new Date())})::int AS "sampledToday"
    FROM "LabelItem" i
    WHERE i."queueId" = ANY(${queues.map((q) => q.id)})
    GROUP BY i."queueId"`;
  const byQueue = new Map(rows.map((r) => [r.queueId, r]));
  const annotates = can(actor.role, "labels:annotate");
  const reviews = can(actor.role, "labels:review");
  return queues.map((queue) => {
    const row = byQueue.get(queue.id);
    return {
      ...queueView(queue),
      counts: { labelling: row?.labelling ?? 0, review: row?.review ?? 0, accepted: row?.accepted ?? 0 },
      toLabel: annotates ? (row?.toLabel ?? 0) : 0,
      toReview: reviews ? (row?.toReview ?? 0) : 0,
      toAdjudicate: reviews ? (row?.toAdjudicate ?? 0) : 0,
      sampledToday: row?.sampledToday ?? 0,
    };
  });
}

/**
 * Deletes a queue with its items and labels. Refused (CONFLICT) once it has accepted labels: they are ground truth's
 * and golden sets' provenance. Audited.
 */
export async function deleteLabelQueue(ctx: AuditedContext, queueId: string): Promise<{ id: string }> {
  return ctx.db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "LabelQueue" WHERE id = ${queueId} FOR UPDATE`;
    if (locked.length === 0) throw notFound("Label queue");
    const queue = await tx.labelQueue.findUniqueOrThrow({ where: { id: queueId }, include: queueInclude });
    const accepted = await tx.labelItem.count({ where: { queueId, status: "ACCEPTED" } });
    if (accepted > 0) throw conflict(`Queue "${queue.name}" has ${accepted} accepted labels; it cannot be deleted`);
    await tx.labelQueue.delete({ where: { id: queueId } });
    await recordAudit(tx, ctx.actor, {
      action: "labels.queue.delete",
      entityType: "LabelQueue",
      entityId: queueId,
      before: { model: queue.model.name, name: queue.name },
    });
    return { id: queueId };
  });
}
