import { entityIdSchema, type FeatureLookup } from "@/contracts/online-features";
import { computeRequestFeature } from "@/lib/features/request-features";
import { badRequest, unprocessable } from "@/runtime/errors";
import type { CircuitBreaker } from "@/runtime/features/circuit-breaker";
import type { FeatureStore, StoredValues } from "@/runtime/features/feature-stores";

/** The runtime's feature stores: Redis (hot, behind a circuit breaker) and PostgreSQL (cold); either may be absent. */
export type FeatureStores = { hot?: FeatureStore; cold?: FeatureStore; breaker: CircuitBreaker };

type StoredRead = {
  found: Map<string, StoredValues>;
  /** The entities Redis answered (the rest of `found` came from PostgreSQL). */
  fromHot: Set<string>;
  /** Some entity could be read from neither store (a store failed; not "the store holds nothing for it"). */
  unavailable: boolean;
};

/**
 * Reads the entities' stored features: Redis first while its breaker lets it (a failure or a timeout counts against
 * the breaker), then PostgreSQL for whatever Redis did not answer — all of them when Redis failed or was skipped, the
 * ones it does not hold otherwise (the portal fills Redis from PostgreSQL, so a miss may be one not mirrored yet).
 */
export async function readStored(stores: FeatureStores, group: string, ids: readonly string[]): Promise<StoredRead> {
  const found = new Map<string, StoredValues>();
  let hotAnswered = false;
  if (stores.hot && stores.breaker.allow()) {
    const hot = await stores.hot.read(group, ids).then(
      (values) => (stores.breaker.succeeded(), values),
      () => (stores.breaker.failed(), undefined),
    );
    hotAnswered = hot !== undefined;
    hot?.forEach((values, id) => found.set(id, values));
  }
  const fromHot = new Set(found.keys());
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length === 0) return { found, fromHot, unavailable: false };
  if (!stores.cold) return { found, fromHot, unavailable: !hotAnswered };
  const cold = await stores.cold.read(group, missing).catch(() => undefined);
  cold?.forEach((values, id) => found.set(id, values));
  return { found, fromHot, unavailable: cold === undefined };
}

export type FeatureStage = "feature_lookup" | "request_features";

/** The row without any field named like a stored feature: the fallback's rules never see a caller's own values. */
function withoutStored(lookup: FeatureLookup, row: Record<string, unknown>) {
  const rest = { ...row };
  for (const name of lookup.storedFeatures) delete rest[name];
  return rest;
}

export type AssembledRows = {
  /** Each request row with its stored and request features set (over any field of the same name the caller sent). */
  rows: Array<Record<string, unknown>>;
  /** How many rows' stored features each store gave. */
  sources: { hot: number; cold: number };
  unavailable: boolean;
};

function entityIdOf(row: unknown, rowIndex: number, entityKey: string): string {
  if (typeof row !== "object" || row === null || Array.isArray(row))
    throw badRequest(`Row ${rowIndex} must be an object of feature values`, { rowIndex });
  const id = (row as Record<string, unknown>)[entityKey];
  if (!entityIdSchema.safeParse(id).success)
    throw badRequest(`Row ${rowIndex}: "${entityKey}" must be a string of 1–200 characters (the entity's id)`, {
      rowIndex,
      field: entityKey,
    });
  return id as string;
}

/** The row's request features, computed by the code training uses; a field that does not fit fails the request. */
export function withRequestFeatures(lookup: FeatureLookup, row: Record<string, unknown>, rowIndex: number) {
  const assembled = { ...row };
  for (const feature of lookup.requestFeatures) {
    const result = computeRequestFeature(feature, row);
    if (!result.ok) throw badRequest(`Row ${rowIndex}: feature "${feature.name}": ${result.problem}`, { rowIndex });
    assembled[feature.name] = result.value;
  }
  return assembled;
}

function storedFeatures(lookup: FeatureLookup, stored: StoredValues, id: string, rowIndex: number) {
  const values: Record<string, number> = {};
  for (const name of lookup.storedFeatures) {
    const value = stored[name];
    if (typeof value !== "number" || !Number.isFinite(value))
      throw unprocessable(`Row ${rowIndex}: ${lookup.entityKey} "${id}" has no stored value for feature "${name}"`, {
        rowIndex,
      });
    values[name] = value;
  }
  return values;
}

/**
 * The rows the model sees: request features computed, stored features read by entity. Stored and computed features
 * always replace what the caller sent under the same name (a caller cannot choose its own risk features). When a
 * store failure leaves some entity unread, `unavailable` is set and the rows carry the request's own fields and request
 * features, never a value the caller sent under a stored feature's name.
 */
export async function assembleRows(
  lookup: FeatureLookup,
  requestRows: readonly unknown[],
  stores: FeatureStores,
  observe: (stage: FeatureStage, seconds: number) => void,
): Promise<AssembledRows> {
  const ids = requestRows.map((row, i) => entityIdOf(row, i, lookup.entityKey));
  let started = performance.now();
  const withRequest = requestRows.map((row, i) => withRequestFeatures(lookup, row as Record<string, unknown>, i));
  observe("request_features", (performance.now() - started) / 1000);
  started = performance.now();
  const stored = await readStored(stores, lookup.featureGroup, [...new Set(ids)]);
  observe("feature_lookup", (performance.now() - started) / 1000);
  if (stored.unavailable) {
    const rows = withRequest.map((row) => withoutStored(lookup, row));
    return { rows, sources: { hot: 0, cold: 0 }, unavailable: true };
  }
  const hot = ids.filter((id) => stored.fromHot.has(id)).length;
  const rows = withRequest.map((row, i) => {
    const values = stored.found.get(ids[i]!);
    if (!values)
      throw unprocessable(
        `Row ${i}: no stored features for ${lookup.entityKey} "${ids[i]}" in feature group "${lookup.featureGroup}"`,
        { rowIndex: i },
      );
    return { ...row, ...storedFeatures(lookup, values, ids[i]!, i) };
  });
  return { rows, sources: { hot, cold: rows.length - hot }, unavailable: false };
}
