import { adjustedProportionArm, type ArmSummary } from "@/server/services/abtests/statistics/arms";

/** One arm's ground-truth sums over some predictions: per metric units, Σ value and Σ value²; weighted outcomes. */
export type OutcomeSums = { units: number[]; sums: number[]; squares: number[]; weighted: number };

/** One arm's captured traffic over some predictions: weighted live predictions, scored rows per bin, mirrored rows. */
export type CaptureSums = { weighted: number; bins: number[]; mirrors: number };

const addArrays = (a: readonly number[], b: readonly number[]) =>
  Array.from({ length: Math.max(a.length, b.length) }, (_, i) => (a[i] ?? 0) + (b[i] ?? 0));

export function addOutcomeSums(a: OutcomeSums, b: OutcomeSums): OutcomeSums {
  return {
    units: addArrays(a.units, b.units),
    sums: addArrays(a.sums, b.sums),
    squares: addArrays(a.squares, b.squares),
    weighted: a.weighted + b.weighted,
  };
}

export function addCaptureSums(a: CaptureSums, b: CaptureSums): CaptureSums {
  return { weighted: a.weighted + b.weighted, bins: addArrays(a.bins, b.bins), mirrors: a.mirrors + b.mirrors };
}

export const NO_OUTCOMES: OutcomeSums = { units: [], sums: [], squares: [], weighted: 0 };
export const NO_CAPTURES: CaptureSums = { weighted: 0, bins: [], mirrors: 0 };

/** Adds rows into per-variant totals, starting from `zero`. */
export function totalsByVariant<T>(
  rows: ReadonlyArray<{ variantName: string } & T>,
  add: (a: T, b: T) => T,
  zero: T,
): Map<string, T> {
  const totals = new Map<string, T>();
  for (const row of rows) totals.set(row.variantName, add(totals.get(row.variantName) ?? zero, row));
  return totals;
}

/**
 * One metric's arm summary from its sums: a proportion's successes are Σ value (each unit is 0 or 1), given the
 * Agresti–Caffo adjusted variance (adjustedProportionArm); a mean metric's variance is the sample variance
 * (Σx² − (Σx)²/n)/(n − 1), 0 for a single unit. Undefined without units.
 */
export function armFromSums(
  kind: "proportion" | "mean",
  units: number,
  sum: number,
  squares: number,
): ArmSummary | undefined {
  if (!(units > 0)) return undefined;
  if (kind === "proportion") return adjustedProportionArm(Math.round(sum), units);
  const variance = units > 1 ? Math.max(0, (squares - (sum * sum) / units) / (units - 1)) : 0;
  return { n: units, mean: sum / units, variance };
}
