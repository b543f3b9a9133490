import { badRequest } from "@/server/errors";
import type { Signature } from "@/contracts/signature";
import { binCount, binIndex, type FeatureBins, type FeatureKind } from "@/contracts/feature-bins";

export const DEFAULT_BINS = 10;
/** A string feature with more distinct values keeps the most frequent ones; the rest share the "other" bin. */
export const MAX_CATEGORIES = 50;

export type SampleColumns = Record<string, ReadonlyArray<number | string>>;
export type ReferenceFeatureProfile = FeatureBins & {
  name: string;
  position: number;
  kind: FeatureKind;
  edges: number[];
  categories: string[];
  proportions: number[];
};
export type ReferenceProfileData = { sampleSize: number; binCount: number; features: ReferenceFeatureProfile[] };

type InputSpec = Signature["inputs"][number];

/**
 * Inner edges are sample values at the k/B quantiles (k = 1..B−1), taken as NumPy's method "lower" does
 * (sorted[floor((n−1)·q)]), collapsed to strictly increasing and cut below the maximum. Edges drawn from the
 * sample mean every bin (e[i-1], e[i]] holds at least e[i], so no reference bin is empty; an interpolated edge could
 * fall in a gap between tied values and leave one empty.
 */
export function quantileEdges(sorted: ArrayLike<number>, bins: number): number[] {
  const maximum = sorted[sorted.length - 1]!;
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const edge = sorted[Math.floor((sorted.length - 1) * (k / bins))]!;
    if (edge < maximum && (edges.length === 0 || edge > edges[edges.length - 1]!)) edges.push(edge);
  }
  return edges;
}

function proportionsOf(feature: FeatureBins, values: ReadonlyArray<number | string>): number[] {
  const counts = new Array<number>(binCount(feature)).fill(0);
  for (const value of values) counts[binIndex(feature, value)]! += 1;
  return counts.map((count) => count / values.length);
}

function numericValues(spec: InputSpec, column: ReadonlyArray<number | string>): number[] {
  return column.map((value, row) => {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw badRequest(
        `Reference sample: row ${row + 1} of "${spec.name}" (${spec.type}) is not a number: "${value}"`,
        {
          field: spec.name,
          row: row + 1,
        },
      );
    }
    return value;
  });
}

const TRUE_VALUES = new Set(["true", "1"]);
const FALSE_VALUES = new Set(["false", "0"]);

/** The runtime sees booleans as true/false, so the sample's 1/0 or TRUE/FALSE become the strings it will match. */
function categoricalValues(spec: InputSpec, column: ReadonlyArray<number | string>): string[] {
  if (spec.type !== "bool") return column.map(String);
  return column.map((value, row) => {
    const text = String(value).toLowerCase();
    if (TRUE_VALUES.has(text)) return "true";
    if (FALSE_VALUES.has(text)) return "false";
    throw badRequest(`Reference sample: row ${row + 1} of "${spec.name}" (bool) is not true/false: "${value}"`, {
      field: spec.name,
      row: row + 1,
    });
  });
}

/** Most frequent first (ties by name), at most MAX_CATEGORIES. */
function topCategories(values: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, MAX_CATEGORIES)
    .map(([value]) => value);
}

function featureBins(spec: InputSpec, column: ReadonlyArray<number | string>, bins: number) {
  if (spec.type === "string" || spec.type === "bool") {
    const values = categoricalValues(spec, column);
    return { bins: { kind: "CATEGORICAL" as const, edges: [], categories: topCategories(values) }, values };
  }
  const values = numericValues(spec, column);
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  if (distinct.length <= bins) {
    return { bins: { kind: "CATEGORICAL" as const, edges: [], categories: distinct.map(String) }, values };
  }
  const sorted = Float64Array.from(values).sort();
  return { bins: { kind: "NUMERIC" as const, edges: quantileEdges(sorted, bins), categories: [] }, values };
}

/**
 * The frozen reference distribution of every signature input: quantile bin edges (or categories) and the share of
 * the sample in each bin, computed with the same bin function production uses. Extra columns (the target, ids) are
 * ignored; a missing input column fails with a 400.
 */
export function computeReferenceProfile(
  columns: SampleColumns,
  signature: Pick<Signature, "inputs">,
  { bins = DEFAULT_BINS }: { bins?: number } = {},
): ReferenceProfileData {
  const missing = signature.inputs.map((input) => input.name).filter((name) => !(name in columns));
  if (missing.length > 0) {
    throw badRequest(`Reference sample has no column for input(s) ${missing.map((n) => `"${n}"`).join(", ")}`, {
      missing,
    });
  }
  const sampleSize = columns[signature.inputs[0]!.name]!.length;
  if (sampleSize === 0) throw badRequest("Reference sample has no rows");
  const features = signature.inputs.map((spec, position) => {
    const { bins: featureBinsOf, values } = featureBins(spec, columns[spec.name]!, bins);
    return { name: spec.name, position, ...featureBinsOf, proportions: proportionsOf(featureBinsOf, values) };
  });
  return { sampleSize, binCount: bins, features };
}
