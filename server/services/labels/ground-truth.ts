import type { LabelValue } from "@/contracts/labels";
import { predictedOutcome } from "@/contracts/outcomes";
import type { Prisma } from "@/server/db/generated/client";
import type { lockItem } from "@/server/services/labels/lock-item";
import { outcomeSpecOf } from "@/server/services/labels/model-spec";

type LockedItem = Awaited<ReturnType<typeof lockItem>>;

/**
 * An accepted class or number label becomes ground truth (PredictionOutcome, source REVIEW) with the item's
 * inclusion probability and stratum, in the caller's transaction. Ratings are not ground truth of a prediction's
 * class or value, so they write nothing (false).
 */
export async function writeGroundTruth(
  tx: Prisma.TransactionClient,
  item: LockedItem,
  value: LabelValue,
  reviewerId: string,
  knownAt: Date,
): Promise<boolean> {
  if (value.kind === "rating") return false;
  const predicted = predictedOutcome(outcomeSpecOf(item.queue.model), item.score);
  const truth = value.kind === "classes" ? { label: value.label, value: null } : { label: null, value: value.value };
  const fields = {
    endpointId: item.endpointId,
    variantName: item.variantName,
    versionId: item.versionId,
    predictedAt: item.predictedAt,
    predictedLabel: predicted.label,
    predictedValue: predicted.value,
    score: item.score,
    ...truth,
    inclusionProbability: item.inclusionProbability,
    stratum: item.stratum,
    knownAt,
    recordedById: reviewerId,
  };
  await tx.predictionOutcome.upsert({
    where: { predictionId_source: { predictionId: item.predictionId, source: "REVIEW" } },
    create: { predictionId: item.predictionId, source: "REVIEW", ...fields },
    update: fields,
  });
  return true;
}
