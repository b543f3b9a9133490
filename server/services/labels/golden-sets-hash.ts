import { createHash } from "node:crypto";

export type FeatureValue = number | string | boolean;

/** A golden row as stored: feature values in the set's feature order, the expected outcome and its provenance. */
export type GoldenRowContent = {
  features: Record<string, FeatureValue>;
  expectedLabel: string | null;
  expectedValue: number | null;
  provenance: Record<string, unknown>;
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** JSON with object keys sorted at every level, so equal content always serialises to the same bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): Json {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("Golden rows hold finite numbers only");
    return value;
  }
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  throw new Error(`Cannot serialise a ${typeof value} in a golden row`);
}

/**
 * The SHA-256 (hex) of a golden set's canonical serialisation: its feature names in order, then every row in order
 * as [feature values in that order, expected label, expected value, provenance with sorted keys]. Types are kept:
 * the string "1" and the number 1 hash differently. Same rows in the same order → same hash; any change → another.
 */
export function goldenSetHash(featureNames: readonly string[], rows: readonly GoldenRowContent[]): string {
  const hash = createHash("sha256");
  hash.update(canonicalJson({ featureNames, rowCount: rows.length }));
  for (const row of rows) {
    hash.update("\n");
    hash.update(
      canonicalJson([
        featureNames.map((name) => row.features[name] ?? null),
        row.expectedLabel,
        row.expectedValue,
        row.provenance,
      ]),
    );
  }
  return hash.digest("hex");
}
