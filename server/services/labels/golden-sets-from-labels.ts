import type { z } from "zod";
import { acceptedLabelsFilter, freezeFromLabelsInput, GOLDEN_CSV_MAX_ROWS } from "@/contracts/golden-sets";
import { labelValueSchema, sameLabel } from "@/contracts/labels";
import type { OutcomeSpec } from "@/contracts/outcomes";
import type { TensorSpec } from "@/contracts/signature";
import type { Prisma } from "@/server/db/generated/client";
import { AppError, badRequest, notFound } from "@/server/errors";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { storeGoldenSet } from "@/server/services/labels/golden-sets";
import { typedCell } from "@/lib/csv/typed-cell";
import type { FeatureValue, GoldenRowContent } from "@/server/services/labels/golden-sets-hash";
import { trainingOverlap } from "@/server/services/labels/golden-sets-overlap";
import { modelWithLatestVersion, goldenSetSpecOf, signatureOf } from "@/server/services/labels/golden-sets-spec";

/*
 * Golden sets frozen from accepted labels. Invariants:
 * - only ACCEPTED items of the model's own queues become rows, each with the reviewer's final class or number (ratings
 *   are not ground truth of a class or value and are refused), and with its provenance: the queue and item, the
 *   prediction, the model version that predicted, why it was sampled (stratum), who labelled it in the accepted round,
 *   who reviewed it, and how far the annotators agreed with the final label;
 * - a prediction sampled into two queues of the model becomes one row (the first accepted);
 * - nothing is written when no accepted label matches, or when one does not fit the model's latest signature (the item
 *   is named); the set is stored through `storeGoldenSet` (hash-frozen, versioned, audited) after the overlap check.
 */

type Filter = z.output<typeof acceptedLabelsFilter>;

const itemInclude = {
  queue: { select: { id: true, name: true } },
  annotations: { select: { annotatorId: true, round: true, value: true } },
  reviews: { select: { reviewerId: true, round: true, decision: true } },
} satisfies Prisma.LabelItemInclude;

type AcceptedItem = Prisma.LabelItemGetPayload<{ include: typeof itemInclude }>;

async function modelForFilter(ctx: ReadContext, filter: Filter) {
  const model = await modelWithLatestVersion(ctx, filter.modelName);
  if (!model) throw notFound(`Model "${filter.modelName}"`);
  if (filter.queueId) {
    const queue = await ctx.db.labelQueue.findUnique({ where: { id: filter.queueId }, select: { modelId: true } });
    if (!queue || queue.modelId !== model.id) throw notFound("Label queue of this model");
  }
  return model;
}

function acceptedWhere(modelId: string, filter: Filter): Prisma.LabelItemWhereInput {
  return {
    status: "ACCEPTED",
    queue: { modelId, ...(filter.queueId ? { id: filter.queueId } : {}) },
    decidedAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) },
    ...(filter.strata && filter.strata.length > 0 ? { stratum: { in: filter.strata } } : {}),
  };
}

/** How many accepted labels a freeze with this filter would take, per queue and stratum (before de-duplication). */
export async function previewAcceptedLabels(ctx: ReadContext, rawFilter: z.input<typeof acceptedLabelsFilter>) {
  const filter = parseInput(acceptedLabelsFilter, rawFilter);
  const model = await modelForFilter(ctx, filter);
  const where = acceptedWhere(model.id, filter);
  const [total, byStratum, queues] = await Promise.all([
    ctx.db.labelItem.count({ where }),
    ctx.db.labelItem.groupBy({ by: ["stratum"], where, _count: { _all: true }, orderBy: { stratum: "asc" } }),
    ctx.db.labelQueue.findMany({
      where: { modelId: model.id },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
  ]);
  return {
    total,
    byStratum: byStratum.map((s) => ({ stratum: s.stratum, count: s._count._all })),
    queues,
  };
}

/** The item's inputs as the signature declares them, or a 400 naming the item and the input that does not fit. */
function featuresOf(item: AcceptedItem, inputs: readonly TensorSpec[]): Record<string, FeatureValue> {
  const raw = item.inputs;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw badRequest(`Label item ${item.id}: its prediction's inputs are not one row of named values`, {
      itemId: item.id,
    });
  const features: Record<string, FeatureValue> = {};
  for (const input of inputs) {
    const value = (raw as Record<string, unknown>)[input.name];
    const scalar = typeof value === "number" || typeof value === "boolean" || typeof value === "string";
    const typed = scalar ? typedCell(String(value), input.type) : "is missing or not a single value";
    if (!scalar || (typeof typed === "string" && input.type !== "string"))
      throw badRequest(
        `Label item ${item.id} does not fit the model's latest signature: input "${input.name}" ${typed}. Narrow the date range or pick one queue.`,
        { itemId: item.id, column: input.name },
      );
    features[input.name] = typed;
  }
  return features;
}

/** One accepted item as a golden row: the final label as expected outcome and where it came from. */
function rowOf(item: AcceptedItem, inputs: readonly TensorSpec[], spec: OutcomeSpec): GoldenRowContent {
  const final = labelValueSchema.parse(item.finalValue);
  if (final.kind === "rating")
    throw badRequest(`Label item ${item.id} holds a rating, which is not an expected class or value`, {
      itemId: item.id,
    });
  if (spec.kind === "classification" && (final.kind !== "classes" || !spec.classes.includes(final.label)))
    throw badRequest(`Label item ${item.id}: its accepted label is not one of the model's classes`, {
      itemId: item.id,
    });
  if (spec.kind === "regression" && final.kind !== "number")
    throw badRequest(`Label item ${item.id}: a regressor's golden row needs a number`, { itemId: item.id });
  const round = item.annotations.filter((a) => a.round === item.round);
  const agreeing = round.filter((a) => sameLabel(labelValueSchema.parse(a.value), final)).length;
  const review = item.reviews.find((r) => r.round === item.round);
  return {
    features: featuresOf(item, inputs),
    expectedLabel: final.kind === "classes" ? final.label : null,
    expectedValue: final.kind === "number" ? final.value : null,
    provenance: {
      source: "labels",
      queueId: item.queueId,
      itemId: item.id,
      predictionId: item.predictionId,
      versionId: item.versionId,
      stratum: item.stratum,
      annotators: round.map((a) => a.annotatorId).sort(),
      reviewerId: review?.reviewerId ?? null,
      decision: review?.decision ?? null,
      round: item.round,
      agreement: round.length === 0 ? null : agreeing / round.length,
    },
  };
}

/**
 * Freezes the accepted labels of a model's queue(s) into the next version of a golden set (source LABELS): validated
 * whole against the model's latest signature before anything is written, checked for overlap with the latest
 * version's training sample, then stored hash-frozen and audited in one transaction.
 */
export async function freezeGoldenSetFromLabels(ctx: ServiceContext, rawInput: z.input<typeof freezeFromLabelsInput>) {
  const input = parseInput(freezeFromLabelsInput, rawInput);
  const model = await modelForFilter(ctx, input.filter);
  const latest = model.versions[0];
  if (!latest) throw badRequest("The model has no version yet: a golden set is checked against its latest signature");
  const signature = signatureOf(latest);
  const items = await ctx.db.labelItem.findMany({
    where: acceptedWhere(model.id, input.filter),
    include: itemInclude,
    orderBy: [{ decidedAt: "asc" }, { id: "asc" }],
    take: GOLDEN_CSV_MAX_ROWS + 1,
  });
  if (items.length === 0)
    throw badRequest("No accepted labels match: review some items of the model's label queues, or widen the filter", {
      code: "NO_ACCEPTED_LABELS",
    });
  const seen = new Set<string>();
  const unique = items.filter((item) => !seen.has(item.predictionId) && seen.add(item.predictionId));
  if (unique.length > GOLDEN_CSV_MAX_ROWS)
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      `More than ${GOLDEN_CSV_MAX_ROWS} accepted labels match: narrow the filter`,
      {
        code: "GOLDEN_SET_TOO_LARGE",
        maxRows: GOLDEN_CSV_MAX_ROWS,
      },
    );
  const spec = goldenSetSpecOf(model);
  const rows = unique.map((item) => rowOf(item, signature.inputs, spec));
  const overlap = await trainingOverlap(ctx, latest.id, signature.inputs, rows);
  const queueNames = [...new Set(unique.map((item) => item.queue.name))].sort();
  return ctx.db.$transaction(
    (tx) =>
      storeGoldenSet(tx, ctx, {
        modelId: model.id,
        name: input.name,
        description: input.description,
        source: "LABELS",
        sourceName: queueNames.join(", "),
        featureNames: signature.inputs.map((i) => i.name),
        rows,
        overlap,
      }),
    { timeout: 60_000 },
  );
}
