import type { NoiseBasis } from "@/lib/drift-noise";
import type { Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";

type Reader = Db | Prisma.TransactionClient;

type Profile = { sampleSize: number; version: { modelId: string; createdAt: Date; _count: { variants: number } } };

/** The worst case over the given profiles: most bins of any feature (more bins, more noise), smallest reference. */
function worstCase(profiles: ReadonlyArray<Profile & { bins: number }>): NoiseBasis | null {
  if (profiles.length === 0) return null;
  return {
    bins: Math.max(...profiles.map((p) => p.bins)),
    referenceSize: Math.min(...profiles.map((p) => p.sampleSize)),
  };
}

/**
 * The bins B and reference size m that bound each model's sampling noise (lib/drift-noise.ts): over the versions
 * that serve in an endpoint variant now (those are what a drift scan compares), or, when none serves, the newest
 * version with a reference profile (the one most likely to be deployed next). null for a model without any
 * reference profile: nothing of it is scanned yet.
 */
export async function noiseBasisByModel(db: Reader, modelIds: readonly string[]): Promise<Map<string, NoiseBasis>> {
  const profiles = await db.referenceProfile.findMany({
    where: { version: { modelId: { in: [...modelIds] } } },
    select: {
      sampleSize: true,
      features: { select: { proportions: true } },
      version: { select: { modelId: true, createdAt: true, _count: { select: { variants: true } } } },
    },
    orderBy: { version: { createdAt: "desc" } },
  });
  const byModel = new Map<string, Array<Profile & { bins: number }>>();
  for (const profile of profiles) {
    const bins = Math.max(1, ...profile.features.map((f) => f.proportions.length));
    const list = byModel.get(profile.version.modelId) ?? [];
    list.push({ ...profile, bins });
    byModel.set(profile.version.modelId, list);
  }
  const result = new Map<string, NoiseBasis>();
  for (const [modelId, list] of byModel) {
    const serving = list.filter((p) => p.version._count.variants > 0);
    const basis = worstCase(serving.length > 0 ? serving : list.slice(0, 1));
    if (basis) result.set(modelId, basis);
  }
  return result;
}

export async function noiseBasisOf(db: Reader, modelId: string): Promise<NoiseBasis | null> {
  return (await noiseBasisByModel(db, [modelId])).get(modelId) ?? null;
}
