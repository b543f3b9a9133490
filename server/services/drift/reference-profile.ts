import { badRequest } from "@/server/errors";
import type { Signature } from "@/contracts/signature";
import { binCount, binIndex, type FeatureBins, type FeatureKind } from "@/contracts/feature-bins";
import { featureValueFromText, type TypedFeatureValue } from "@/contracts/feature-values";

export const DEFAULT_BINS = 10;
/** A string feature with more distinct values keeps the most frequent ones; the rest share the "other" bin. */
export const MAX_CATEGORIES = 50;

/** Columns of a sample: CSV gives every cell's text; the signature's input type decides how each is read. */
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

const WHAT: Record<InputSpec["type"], string> = {
  float32: "a number",
  float64: "a number",
  int64: "a whole number",
  bool: "true/false",
  string: "a string",
};

/**
 * A column read as the runtime would read its JSON values, by the declared type (contracts/feature-values.ts): a
 * CSV cell's text is parsed for numeric and bool inputs and kept verbatim for string inputs ("01001", "1001" and
 * "1e3" are three categories). Numbers handed in by a caller that built columns itself are taken as they are (a
 * string input gets their JS string form). A cell that is not a value of its type fails with a 400 naming it.
 */
function typedValues(spec: InputSpec, column: ReadonlyArray<number | string>): TypedFeatureValue[] {
  return column.map((cell, row) => {
    const value =
      typeof cell === "number"
        ? spec.type === "string"
          ? String(cell)
          : spec.type === "bool"
            ? featureValueFromText("bool", String(cell))
            : Number.isFinite(cell)
              ? cell
              : undefined
        : featureValueFromText(spec.type, cell);
    if (value === undefined) {
      throw badRequest(
        `Reference sample: row ${row + 1} of "${spec.name}" (${spec.type}) is not ${WHAT[spec.type]}: "${cell}"`,
        { field: spec.name, row: row + 1 },
      );
    }
    return value;
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
  const typed = typedValues(spec, column);
  if (spec.type === "string" || spec.type === "bool") {
    // The runtime compares String(value): a string is itself, a boolean "true"/"false".
    const values = typed.map(String);
    return { bins: { kind: "CATEGORICAL" as const, edges: [], categories: topCategories(values) }, values };
  }
  const values = typed.map(Number);
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  if (distinct.length <= bins) {
    return { bins: { kind: "CATEGORICAL" as const, edges: [], categories: distinct.map(String) }, values };
  }
  const sorted = Float64Array.from(values).sort();
  return { bins: { kind: "NUMERIC" as const, edges: quantileEdges(sorted, bins), categories: [] }, values };
}

/**
 * The frozen reference distribution of every signature input: quantile bin edges (or categories) and the share of
 * the sample in each bin, computed with the same bin function production uses. The declared input type decides the
 * kind: `string` and `bool` inputs are CATEGORICAL by their exact string form; numeric inputs are parsed as numbers
 * (NUMERIC, or CATEGORICAL over their canonical JS number strings when they take at most `bins` distinct values,
 * which is how the runtime's String(value) of a JSON number or int64 reads them). Extra columns (the target, ids) are
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
