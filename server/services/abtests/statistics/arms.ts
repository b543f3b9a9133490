/**
 * One arm's summary for a difference of means: units, sample mean and (unbiased or plug-in) variance of one unit's
 * outcome. For a proportion, mean = p̂ and variance = p̂(1 − p̂) (see `proportionArm`).
 */
export interface ArmSummary {
  n: number;
  mean: number;
  variance: number;
}

/** The summary of a Bernoulli arm with `successes` out of `n`: mean p̂, plug-in variance p̂(1 − p̂). */
export function proportionArm(successes: number, n: number): ArmSummary {
  if (!(n > 0) || successes < 0 || successes > n)
    throw new RangeError(`A proportion needs 0 ≤ ${successes} ≤ n = ${n}`);
  const p = successes / n;
  return { n, mean: p, variance: p * (1 - p) };
}

/**
 * A Bernoulli arm for the analysis: mean p̂ = x/n, variance from the Agresti–Caffo adjusted p̃ = (x + 1)/(n + 2)
 * (Agresti & Caffo, "Simple and effective confidence intervals for proportions and differences of proportions result
 * from adding two successes and two failures", The American Statistician 54(4), 2000). The plug-in p̂(1 − p̂) is 0 when
 * an arm is all successes or all failures — a challenger failing every request against a champion failing none would
 * then have no variance, and no test could ever say so; p̃(1 − p̃) stays positive and tends to p̂(1 − p̂) as n grows.
 */
export function adjustedProportionArm(successes: number, n: number): ArmSummary {
  const arm = proportionArm(successes, n);
  const adjusted = (successes + 1) / (n + 2);
  return { ...arm, variance: adjusted * (1 - adjusted) };
}

/**
 * The estimated difference θ̂ = mean(treatment) − mean(control) and its variance V = σ²_c/n_c + σ²_t/n_t (unpooled,
 * Welch/Wald form; the variance of a difference of two independent sample means).
 */
export function difference(control: ArmSummary, treatment: ArmSummary): { estimate: number; variance: number } {
  if (!(control.n > 0) || !(treatment.n > 0)) throw new RangeError("Both arms need at least one unit");
  return {
    estimate: treatment.mean - control.mean,
    variance: control.variance / control.n + treatment.variance / treatment.n,
  };
}
