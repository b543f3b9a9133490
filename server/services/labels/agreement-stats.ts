import type { z } from "zod";
import { labelSchemaSchema, labelValueSchema, type LabelValue } from "@/contracts/labels";
import { notFound } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";
import {
  alphaPerAnnotator,
  alphaPerClass,
  kappaPerPair,
  krippendorffAlpha,
  type Unit,
} from "@/server/services/labels/agreement";
import type { agreementOutput } from "@/server/services/labels/schemas";

const numberOf = (value: LabelValue): number | string =>
  value.kind === "classes" ? value.label : value.kind === "number" ? value.value : value.rating;

/**
 * A queue's agreement: every item round with two or more labels is a unit (rejected rounds included: they are where
 * annotators disagreed). Classes → nominal α, per-class α and Cohen's κ per pair; numbers and ratings → interval α.
 */
export async function queueAgreement(ctx: ReadContext, queueId: string): Promise<z.infer<typeof agreementOutput>> {
  const queue = await ctx.db.labelQueue.findUnique({ where: { id: queueId }, select: { labelSchema: true } });
  if (!queue) throw notFound("Label queue");
  const nominal = labelSchemaSchema.parse(queue.labelSchema).kind === "classes";
  const annotations = await ctx.db.annotation.findMany({
    where: { item: { queueId } },
    select: { itemId: true, round: true, annotatorId: true, value: true },
  });
  const byUnit = new Map<string, Unit<string | number>>();
  for (const a of annotations) {
    const unit = `${a.itemId}#${a.round}`;
    const entry = byUnit.get(unit) ?? { unit, codings: [] };
    byUnit.set(unit, {
      unit,
      codings: [...entry.codings, { coder: a.annotatorId, value: numberOf(labelValueSchema.parse(a.value)) }],
    });
  }
  const users = await ctx.db.user.findMany({
    where: { id: { in: [...new Set(annotations.map((a) => a.annotatorId))] } },
    select: { id: true, name: true },
  });
  const person = (id: string) => ({ id, name: users.find((u) => u.id === id)?.name ?? "(unknown)" });
  const units = [...byUnit.values()];
  const classUnits = units as Unit<string>[];
  const metric = nominal ? "nominal" : "interval";
  return {
    queueId,
    metric,
    overall: krippendorffAlpha(units, metric),
    perClass: nominal ? alphaPerClass(classUnits) : [],
    perAnnotator: alphaPerAnnotator(units, metric).map(({ annotator, ...rest }) => ({
      annotator: person(annotator),
      ...rest,
    })),
    pairs: nominal
      ? kappaPerPair(classUnits).map(({ annotators, ...rest }) => ({ annotators: annotators.map(person), ...rest }))
      : [],
  };
}
