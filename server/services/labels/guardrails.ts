import { binIndex, type FeatureBins } from "@/contracts/feature-bins";
import type { Prisma } from "@/server/db/generated/client";
import type { TaskType } from "@/server/db/generated/enums";
import type { Candidate } from "@/server/services/labels/sampling-strata";

/** A version's reference bins with the share of its training sample in each bin. */
export type GuardrailReference = ReadonlyArray<FeatureBins & { name: string; proportions: readonly number[] }>;

/** The one input a guardrail looks at: a scalar, or a one-element array (how a tensor input of shape [1] arrives). */
function scalarOf(raw: unknown): number | string | boolean | null | undefined {
  const value = Array.isArray(raw) && raw.length === 1 ? (raw[0] as unknown) : raw;
  if (value === null || value === undefined) return value;
  return typeof value === "number" || typeof value === "string" || typeof value === "boolean" ? value : undefined;
}

/**
 * Why a prediction should be looked at by a person before anything else, or null. Guardrails are deterministic in
 * the prediction and its version's frozen reference, so the sampler's inclusion probabilities stay exact:
 * - an input the training sample never had: it falls in a reference bin holding none of the training rows (an unseen
 *   category of a string feature, an empty numeric bin), or it is missing;
 * - a classifier or regressor whose output has no finite score (other models' outputs are not numbers).
 */
export function guardrailReason(
  candidate: Pick<Candidate, "inputs" | "score">,
  reference: GuardrailReference | undefined,
  taskType: TaskType,
): string | null {
  const scored = taskType === "CLASSIFICATION" || taskType === "REGRESSION";
  if (scored && (candidate.score === null || !Number.isFinite(candidate.score)))
    return `The model's output has no finite ${taskType === "CLASSIFICATION" ? "score" : "value"}`;
  const inputs = candidate.inputs;
  if (!reference || typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) return null;
  for (const feature of reference) {
    const value = scalarOf(inputs[feature.name]);
    if (value === null) return `Input "${feature.name}" is missing`;
    if (value === undefined) continue;
    if (typeof value === "number" && !Number.isFinite(value)) return `Input "${feature.name}" is not a finite number`;
    const bin = binIndex(feature, value);
    if ((feature.proportions[bin] ?? 0) === 0)
      return feature.kind === "CATEGORICAL"
        ? `Input "${feature.name}" = ${JSON.stringify(String(value))} never occurred in the training sample`
        : `Input "${feature.name}" = ${value} lies where the training sample had no rows`;
  }
  return null;
}

async function referencesOf(db: Prisma.TransactionClient, versionIds: readonly string[]) {
  const features = await db.referenceFeature.findMany({
    where: { profile: { versionId: { in: [...versionIds] } } },
    orderBy: { position: "asc" },
    select: {
      name: true,
      kind: true,
      edges: true,
      categories: true,
      proportions: true,
      profile: { select: { versionId: true } },
    },
  });
  const byVersion = new Map<string, Array<GuardrailReference[number]>>();
  for (const { profile, ...feature } of features)
    byVersion.set(profile.versionId, [...(byVersion.get(profile.versionId) ?? []), feature]);
  return byVersion;
}

/**
 * Runs the guardrails over the candidates and records each prediction they catch as a GUARDRAIL flag (one per
 * prediction: the first time it is considered; a repeat changes nothing). Answers the flagged predictions' ids.
 */
export async function flagByGuardrails(
  db: Prisma.TransactionClient,
  candidates: readonly Candidate[],
  taskType: TaskType,
): Promise<Set<string>> {
  const versionIds = [...new Set(candidates.flatMap((c) => (c.versionId ? [c.versionId] : [])))];
  const references = await referencesOf(db, versionIds);
  const caught = candidates.flatMap((c) => {
    const reason = guardrailReason(c, c.versionId ? references.get(c.versionId) : undefined, taskType);
    return reason ? [{ candidate: c, reason }] : [];
  });
  if (caught.length > 0)
    await db.predictionFlag.createMany({
      data: caught.map(({ candidate, reason }) => ({
        predictionId: candidate.id,
        endpointId: candidate.endpointId,
        reason,
        source: "GUARDRAIL" as const,
      })),
      skipDuplicates: true,
    });
  return new Set(caught.map(({ candidate }) => candidate.id));
}
