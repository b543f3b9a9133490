import { chiSquaredQuantile } from "@/lib/chi-squared";

/**
 * How large a PSI sampling noise alone can produce, and so how many production rows a drift window needs.
 *
 * Under no drift (production and reference drawn from one distribution), PSI · nm/(n+m) is approximately χ² with
 * B − 1 degrees of freedom (PSI is a symmetrised KL divergence, whose second-order expansion is Pearson's two-sample
 * χ² statistic). So its mean is (B − 1)·(1/n + 1/m) (the "no-drift expectation") and its NOISE_QUANTILE-quantile is
 * χ²_{B−1, q}·(1/n + 1/m) (the "noise ceiling"): a PSI below the ceiling is what one window in a thousand shows with
 * no drift at all, so it never warns or alerts, whatever its size against the configured thresholds.
 *
 * q = 0.999 rather than 0.95: a model with ten features scanned every 15 minutes makes ~1000 comparisons a day, so
 * 0.95 would still raise a false alarm every hour or so; 0.999 keeps it near one a day across the whole model.
 */
export const NOISE_QUANTILE = 0.999;

const quantiles = new Map<number, number>();

/** χ²_{B−1, NOISE_QUANTILE}, memoised (bin counts repeat: a handful of distinct B per model). */
function noiseQuantile(bins: number): number {
  const cached = quantiles.get(bins);
  if (cached !== undefined) return cached;
  const value = chiSquaredQuantile(NOISE_QUANTILE, bins - 1);
  quantiles.set(bins, value);
  return value;
}

/** (B − 1)·(1/n + 1/m): the mean PSI of two same-distribution samples of n and m rows over B bins. */
export function expectedPsiUnderNoDrift(bins: number, productionRows: number, referenceRows: number): number {
  return (bins - 1) * (1 / productionRows + 1 / referenceRows);
}

/** χ²_{B−1, 0.999}·(1/n + 1/m): a PSI at or below this is within sampling noise. 0 for a single bin. */
export function noiseCeilingPsi(bins: number, productionRows: number, referenceRows: number): number {
  if (bins < 2) return 0;
  return noiseQuantile(bins) * (1 / productionRows + 1 / referenceRows);
}

/** The bins and reference size that set a model's noise floor: its features' most bins and its smallest reference. */
export type NoiseBasis = { bins: number; referenceSize: number };

/**
 * The smallest window n whose noise ceiling stays below `alertPsi`, so noise alone cannot reach the alert threshold;
 * null when no n can (the reference alone, χ²/m, already reaches it: the reference sample is too small for it).
 */
export function minimumSamples({ bins, referenceSize }: NoiseBasis, alertPsi: number): number | null {
  if (bins < 2) return 1;
  const limit = alertPsi / noiseQuantile(bins) - 1 / referenceSize;
  if (!(limit > 0)) return null;
  let n = Math.max(1, Math.floor(1 / limit));
  while (n > 1 && noiseCeilingPsi(bins, n - 1, referenceSize) < alertPsi) n--;
  while (noiseCeilingPsi(bins, n, referenceSize) >= alertPsi) n++;
  return n;
}

/** The lowest alert threshold any window size can honour with this reference: the ceiling as n → ∞, χ²/m. */
export function lowestAlertPsi({ bins, referenceSize }: NoiseBasis): number {
  return bins < 2 ? 0 : noiseQuantile(bins) / referenceSize;
}
