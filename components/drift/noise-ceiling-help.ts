/** What "no-drift" and "noise ceiling" mean, for tooltips and legends beside every PSI. */
export const NOISE_CEILING_HELP =
  "No-drift: the PSI two samples of the same distribution show on average, (B−1)·(1/n + 1/m) for B bins, n production and m reference rows. Noise ceiling: the PSI sampling noise alone exceeds only once in a thousand windows, χ²(B−1, 0.999)·(1/n + 1/m). A feature warns or alerts only when its PSI is above both its threshold and its noise ceiling.";
