import type { FeatureLookup, RequestTransform } from "@/contracts/online-features";
import type { ReadContext } from "@/server/services/context";

type Row = Record<string, number | string | boolean>;

/** A value each transform's source fields accept (the request features are computed from them). */
const SOURCE_EXAMPLE: Record<RequestTransform, () => number | string> = {
  utc_hour: () => new Date().toISOString(),
  log1p: () => 1,
  haversine_km: () => 0,
  differs: () => "A",
};

/**
 * What a caller of an endpoint with a feature lookup sends: the entity's id (one the group holds, when there is one)
 * and the fields request features are computed from, instead of the features the runtime looks up or computes.
 */
export function lookupExampleRow(row: Row, lookup: FeatureLookup, entityId: string | undefined): Row {
  const provided = new Set([...lookup.storedFeatures, ...lookup.requestFeatures.map((f) => f.name)]);
  const example: Row = { [lookup.entityKey]: entityId ?? "an-entity-id" };
  for (const feature of lookup.requestFeatures)
    for (const field of feature.from) example[field] ??= SOURCE_EXAMPLE[feature.transform]();
  for (const [name, value] of Object.entries(row)) if (!provided.has(name)) example[name] ??= value;
  return example;
}

/** The first entity (by id) the lookup's group holds. */
export async function firstEntityId(ctx: ReadContext, lookup: FeatureLookup): Promise<string | undefined> {
  const first = await ctx.db.featureValue.findFirst({
    where: { groupName: lookup.featureGroup },
    orderBy: { entityId: "asc" },
    select: { entityId: true },
  });
  return first?.entityId;
}
