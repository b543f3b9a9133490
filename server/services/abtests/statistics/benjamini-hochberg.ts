export interface BenjaminiHochbergResult {
  /** BH-adjusted p-values (q-values), in the input order. */
  adjusted: number[];
  /** Which hypotheses are rejected at FDR level q, in the input order. */
  rejected: boolean[];
}

/**
 * Benjamini–Hochberg step-up (Benjamini & Hochberg, JRSS B 57(1), 1995). With p₍₁₎ ≤ … ≤ p₍ₘ₎ the adjusted
 * p-value is q₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎ / j); hypothesis i is rejected at level q when its q-value ≤ q, which is
 * the step-up rule "reject the k smallest, k the largest with p₍ₖ₎ ≤ k·q/m". Same as
 * scipy.stats.false_discovery_control(ps, method="bh").
 */
export function benjaminiHochberg(pValues: readonly number[], q = 0.05): BenjaminiHochbergResult {
  if (pValues.some((p) => !(p >= 0 && p <= 1))) throw new RangeError("p-values must lie in [0, 1]");
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m).fill(1);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const { p, i } = order[rank - 1]!;
    running = Math.min(running, (m * p) / rank);
    adjusted[i] = running;
  }
  return { adjusted, rejected: adjusted.map((value) => value <= q) };
}
