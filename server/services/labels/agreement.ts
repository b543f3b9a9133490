import { LOW_AGREEMENT_ALPHA, MIN_ITEMS_TO_FLAG } from "@/contracts/labels";

/**
 * Inter-annotator agreement (pure): Krippendorff's α with missing data (nominal for classes, interval for numbers),
 * per class (that class against all others, nominal) and per annotator (pairs involving them against the data's
 * expected disagreement), and Cohen's κ for each pair of annotators (classes). Every figure carries the number of
 * items behind it; α is null when there is no pairable data or no variation at all (D_e = 0).
 *
 * α = 1 − D_o / D_e from the coincidence matrix (Krippendorff, "Computing Krippendorff's Alpha-Reliability", 2011):
 * o_ck = Σ_u (number of c–k pairs of coders in unit u) / (m_u − 1) over units with m_u ≥ 2 values,
 * D_o = Σ o_ck δ²(c,k) / n, D_e = Σ n_c n_k δ²(c,k) / (n (n − 1)).
 */

export type Metric = "nominal" | "interval";
export type Coding<V extends string | number> = { coder: string; value: V };
export type Unit<V extends string | number> = { unit: string; codings: readonly Coding<V>[] };

/** The thresholds live in the contracts, so the agreement panel can say them. */
export { LOW_AGREEMENT_ALPHA, MIN_ITEMS_TO_FLAG };

type Pair<V> = { a: V; b: V; weight: number; coders: [string, string] };

function delta2<V extends string | number>(metric: Metric, a: V, b: V): number {
  if (metric === "nominal") return a === b ? 0 : 1;
  return (Number(a) - Number(b)) ** 2;
}

/** The ordered pairs of values within each unit, weighted 1/(m_u − 1): the coincidence matrix, entry by entry. */
function pairsOf<V extends string | number>(units: readonly Unit<V>[]): Pair<V>[] {
  const pairs: Pair<V>[] = [];
  for (const { codings } of units) {
    const m = codings.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i === j) continue;
        const [x, y] = [codings[i]!, codings[j]!];
        pairs.push({ a: x.value, b: y.value, weight: 1 / (m - 1), coders: [x.coder, y.coder] });
      }
    }
  }
  return pairs;
}

/** D_e from the pairable values' marginals n_c; null when fewer than two values are pairable. */
function expectedDisagreement<V extends string | number>(metric: Metric, pairs: readonly Pair<V>[]): number | null {
  const marginals = new Map<V, number>();
  for (const pair of pairs) marginals.set(pair.a, (marginals.get(pair.a) ?? 0) + pair.weight);
  const n = [...marginals.values()].reduce((sum, count) => sum + count, 0);
  if (n < 2) return null;
  let total = 0;
  for (const [c, nc] of marginals) for (const [k, nk] of marginals) total += nc * nk * delta2(metric, c, k);
  return total / (n * (n - 1));
}

function observedDisagreement<V extends string | number>(metric: Metric, pairs: readonly Pair<V>[]): number {
  const n = pairs.reduce((sum, pair) => sum + pair.weight, 0);
  const total = pairs.reduce((sum, pair) => sum + pair.weight * delta2(metric, pair.a, pair.b), 0);
  return n === 0 ? 0 : total / n;
}

const pairableUnits = <V extends string | number>(units: readonly Unit<V>[]) =>
  units.filter((u) => u.codings.length >= 2);

/** Krippendorff's α over all units (units with fewer than two values do not count), and the items behind it. */
export function krippendorffAlpha<V extends string | number>(
  units: readonly Unit<V>[],
  metric: Metric,
): { alpha: number | null; items: number } {
  const pairs = pairsOf(units);
  const items = pairableUnits(units).length;
  const expected = expectedDisagreement(metric, pairs);
  if (expected === null || expected === 0) return { alpha: null, items };
  return { alpha: 1 - observedDisagreement(metric, pairs) / expected, items };
}

/** α of each class against all others (the data recoded as "c" / "not c", nominal), with the items that have c. */
export function alphaPerClass(
  units: readonly Unit<string>[],
): { label: string; alpha: number | null; items: number }[] {
  const classes = [...new Set(units.flatMap((u) => u.codings.map((c) => c.value)))].sort();
  return classes.map((label) => {
    const recoded = units.map((u) => ({
      unit: u.unit,
      codings: u.codings.map((c) => ({ coder: c.coder, value: c.value === label ? "1" : "0" })),
    }));
    const { alpha } = krippendorffAlpha(recoded, "nominal");
    const items = pairableUnits(units).filter((u) => u.codings.some((c) => c.value === label)).length;
    return { label, alpha, items };
  });
}

export type AnnotatorAgreement = { annotator: string; alpha: number | null; items: number; low: boolean };

/**
 * Each annotator's α: the observed disagreement of the pairs they are part of, against the whole data's expected
 * disagreement. Flagged low when below LOW_AGREEMENT_ALPHA on at least MIN_ITEMS_TO_FLAG shared items.
 */
export function alphaPerAnnotator<V extends string | number>(
  units: readonly Unit<V>[],
  metric: Metric,
): AnnotatorAgreement[] {
  const pairs = pairsOf(units);
  const expected = expectedDisagreement(metric, pairs);
  const annotators = [...new Set(units.flatMap((u) => u.codings.map((c) => c.coder)))].sort();
  return annotators.map((annotator) => {
    const own = pairs.filter((p) => p.coders[0] === annotator);
    const items = pairableUnits(units).filter((u) => u.codings.some((c) => c.coder === annotator)).length;
    const alpha = expected ? 1 - observedDisagreement(metric, own) / expected : null;
    const low = alpha !== null && items >= MIN_ITEMS_TO_FLAG && alpha < LOW_AGREEMENT_ALPHA;
    return { annotator, alpha: own.length === 0 ? null : alpha, items, low };
  });
}

/** Cohen's κ of two raters over the items both labelled; null when chance agreement is total (p_e = 1). */
export function cohenKappa(pairs: readonly { a: string; b: string }[]): { kappa: number | null; items: number } {
  const items = pairs.length;
  if (items === 0) return { kappa: null, items };
  const observed = pairs.filter((p) => p.a === p.b).length / items;
  const countsA = new Map<string, number>();
  const countsB = new Map<string, number>();
  for (const { a, b } of pairs) {
    countsA.set(a, (countsA.get(a) ?? 0) + 1);
    countsB.set(b, (countsB.get(b) ?? 0) + 1);
  }
  let expected = 0;
  for (const [label, count] of countsA) expected += (count / items) * ((countsB.get(label) ?? 0) / items);
  if (expected === 1) return { kappa: null, items };
  return { kappa: (observed - expected) / (1 - expected), items };
}

/** Cohen's κ for every pair of annotators that share at least one item (classes). */
export function kappaPerPair(
  units: readonly Unit<string>[],
): { annotators: [string, string]; kappa: number | null; items: number }[] {
  const byPair = new Map<string, { annotators: [string, string]; pairs: { a: string; b: string }[] }>();
  for (const { codings } of units) {
    const sorted = [...codings].sort((x, y) => (x.coder < y.coder ? -1 : x.coder > y.coder ? 1 : 0));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const [x, y] = [sorted[i]!, sorted[j]!];
        const key = JSON.stringify([x.coder, y.coder]);
        const entry = byPair.get(key) ?? { annotators: [x.coder, y.coder], pairs: [] };
        entry.pairs.push({ a: x.value, b: y.value });
        byPair.set(key, entry);
      }
    }
  }
  return [...byPair.values()].map(({ annotators, pairs }) => ({ annotators, ...cohenKappa(pairs) }));
}
