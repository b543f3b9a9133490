import { z } from "zod";

/**
 * Feature bins, shared by the runtime (which counts served values into them) and the portal (which computes PSI).
 *
 * Bins follow Prometheus' `le` (≤) convention so that reference proportions and production histogram buckets count
 * the same values:
 * - NUMERIC, inner edges e[0..B-2] (strictly increasing): bin 0 = (−∞, e0], bin i = (e[i-1], e[i]],
 *   bin B−1 = (e[B-2], +∞).
 * - CATEGORICAL, categories c[0..K-1]: bin k holds String(value) === c[k]; bin K collects every other value.
 *
 * The signature's declared input type decides the kind, never the look of a value: `string` and `bool` inputs are
 * CATEGORICAL and a string is compared by its exact text ("01001" ≠ "1001" ≠ "1e3"; nothing is parsed as a number);
 * numeric inputs are NUMERIC, or CATEGORICAL over the canonical JS strings of their few distinct numbers (String(7),
 * String(7n) and String(0.5) are what the runtime's validated float/int64 values give).
 */

export type FeatureKind = "NUMERIC" | "CATEGORICAL";
export type FeatureBins = { kind: FeatureKind; edges: readonly number[]; categories: readonly string[] };

export function binCount(feature: FeatureBins): number {
  return feature.kind === "NUMERIC" ? feature.edges.length + 1 : feature.categories.length + 1;
}

/** The first i with value ≤ edges[i] (binary search), or edges.length when value is above every edge. */
export function numericBinIndex(edges: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= edges[middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * The bin a value falls in; categorical values are compared as String(value), so a string by its exact text (unseen
 * → the last bin). A NUMERIC feature is only ever given numbers (the runtime validates float/int64 inputs as such).
 */
export function binIndex(feature: FeatureBins, value: number | bigint | boolean | string): number {
  if (feature.kind === "NUMERIC") return numericBinIndex(feature.edges, Number(value));
  const index = feature.categories.indexOf(String(value));
  return index === -1 ? feature.categories.length : index;
}

/** One input's frozen reference bins. */
export const featureBinsSchema = z
  .object({
    name: z.string().min(1).max(200),
    kind: z.enum(["NUMERIC", "CATEGORICAL"]),
    edges: z.array(z.number()).max(1000).default([]),
    categories: z.array(z.string().max(1000)).max(1000).default([]),
  })
  .superRefine((feature, ctx) => {
    if (feature.edges.some((edge, i) => i > 0 && !(edge > feature.edges[i - 1]!))) {
      ctx.addIssue({
        code: "custom",
        path: ["edges"],
        message: `Bin edges of "${feature.name}" must be strictly increasing`,
      });
    }
    if (new Set(feature.categories).size !== feature.categories.length) {
      ctx.addIssue({
        code: "custom",
        path: ["categories"],
        message: `Categories of "${feature.name}" must be distinct`,
      });
    }
  });
