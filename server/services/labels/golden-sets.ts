import type { z } from "zod";
import { OVERLAP_WARN_SHARE, uploadGoldenSetInput } from "@/contracts/golden-sets";
import type { Prisma } from "@/server/db/generated/client";
import type { GoldenSetSource } from "@/server/db/generated/enums";
import { badRequest, conflict, isUniqueViolation, notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { parseGoldenCsv } from "@/server/services/labels/golden-sets-csv";
import { type GoldenRowContent, goldenSetHash } from "@/server/services/labels/golden-sets-hash";
import { trainingOverlap, type TrainingOverlap } from "@/server/services/labels/golden-sets-overlap";
import type { GoldenSetView } from "@/server/services/labels/golden-sets-schemas";
import { modelWithLatestVersion, goldenSetSpecOf, signatureOf } from "@/server/services/labels/golden-sets-spec";

/*
 * Invariants of golden sets:
 * - a golden set never changes once created: there is no update or delete path here, a change is a new version
 *   (v1, v2, … per model and name), and its content hash is computed from exactly the rows stored with it;
 * - a row that does not fit the model's latest signature (columns, types) or outcome (class, number) is refused with
 *   the row and column named, and nothing of the set is written;
 * - two uploads of the same name at once get distinct versions or one is refused (unique (model, name, version)).
 */

const ROW_BATCH = 1000;

export type NewGoldenSet = {
  modelId: string;
  name: string;
  description: string;
  source: GoldenSetSource;
  sourceName: string;
  featureNames: string[];
  rows: GoldenRowContent[];
  overlap: TrainingOverlap | null;
};

/**
 * Stores a validated golden set as the next version of its name, in the caller's transaction, and audits it. The seam
 * for golden sets built from accepted labels: the labels service validates its rows (provenance { source: "labels",
 * versionId, stratum, annotators, agreement }) and calls this, as the CSV upload does.
 */
export async function storeGoldenSet(
  tx: Prisma.TransactionClient,
  ctx: Pick<ServiceContext, "actor">,
  set: NewGoldenSet,
) {
  const latest = await tx.goldenSet.findFirst({
    where: { modelId: set.modelId, name: set.name },
    orderBy: { version: "desc" },
    select: { version: true },
  });
  const contentHash = goldenSetHash(set.featureNames, set.rows);
  const created = await tx.goldenSet
    .create({
      data: {
        modelId: set.modelId,
        name: set.name,
        version: (latest?.version ?? 0) + 1,
        contentHash,
        rowCount: set.rows.length,
        featureNames: set.featureNames,
        source: set.source,
        sourceName: set.sourceName,
        description: set.description,
        overlapVersionId: set.overlap?.versionId ?? null,
        overlapSampleRows: set.overlap?.sampleRows ?? null,
        overlapCount: set.overlap?.count ?? null,
        createdById: ctx.actor.userId,
      },
      select: { id: true, name: true, version: true, contentHash: true, rowCount: true },
    })
    .catch((error: unknown) => {
      throw isUniqueViolation(error)
        ? conflict(`Another version of golden set "${set.name}" was created at the same time; try again`)
        : error;
    });
  for (let start = 0; start < set.rows.length; start += ROW_BATCH) {
    await tx.goldenSetRow.createMany({
      data: set.rows.slice(start, start + ROW_BATCH).map((row, i) => ({
        goldenSetId: created.id,
        position: start + i,
        features: row.features,
        expectedLabel: row.expectedLabel,
        expectedValue: row.expectedValue,
        provenance: row.provenance as Prisma.InputJsonValue,
      })),
    });
  }
  await recordAudit(tx, ctx.actor, {
    action: "goldenSet.create",
    entityType: "GoldenSet",
    entityId: created.id,
    after: { ...created, source: set.source, sourceName: set.sourceName, overlapCount: set.overlap?.count ?? null },
  });
  return created;
}

/** Uploads a golden set as CSV: validated whole against the model's latest signature, checked for training overlap. */
export async function uploadGoldenSet(ctx: ServiceContext, rawInput: z.input<typeof uploadGoldenSetInput>) {
  const input = parseInput(uploadGoldenSetInput, rawInput);
  const model = await modelWithLatestVersion(ctx, input.modelName);
  if (!model) throw notFound(`Model "${input.modelName}"`);
  const latest = model.versions[0];
  if (!latest) throw badRequest("The model has no version yet: a golden set is checked against its latest signature");
  const signature = signatureOf(latest);
  const { featureNames, rows } = parseGoldenCsv(
    input.content,
    signature.inputs,
    goldenSetSpecOf(model),
    input.expectedColumn,
  );
  const overlap = await trainingOverlap(ctx, latest.id, signature.inputs, rows);
  const created = await ctx.db.$transaction(
    (tx) =>
      storeGoldenSet(tx, ctx, {
        modelId: model.id,
        name: input.name,
        description: input.description,
        source: "CSV",
        sourceName: input.fileName,
        featureNames,
        rows,
        overlap,
      }),
    { timeout: 60_000 },
  );
  return { ...created, overlap: overlap && overlapView(overlap, created.rowCount) };
}

/** The share of golden rows found in the training sample, and whether it is high enough to warn. */
function overlapView(overlap: TrainingOverlap, rowCount: number) {
  const share = rowCount === 0 ? 0 : overlap.count / rowCount;
  return { ...overlap, share, warn: share > OVERLAP_WARN_SHARE };
}

/** A model's golden sets, newest first, with their training overlap. */
export async function listGoldenSets(ctx: ReadContext, input: { modelName: string }): Promise<GoldenSetView[]> {
  const sets = await ctx.db.goldenSet.findMany({
    where: { model: { name: input.modelName } },
    orderBy: [{ createdAt: "desc" }, { version: "desc" }],
  });
  return sets.map((set) => {
    return {
      id: set.id,
      name: set.name,
      version: set.version,
      contentHash: set.contentHash,
      rowCount: set.rowCount,
      source: set.source,
      sourceName: set.sourceName,
      description: set.description,
      createdAt: set.createdAt,
      overlap:
        set.overlapVersionId === null || set.overlapCount === null || set.overlapSampleRows === null
          ? null
          : overlapView(
              { versionId: set.overlapVersionId, sampleRows: set.overlapSampleRows, count: set.overlapCount },
              set.rowCount,
            ),
    };
  });
}
