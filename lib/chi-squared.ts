/**
 * The χ² distribution's CDF and quantile, for drift's no-drift noise ceiling. Pure numbers, no dependencies, so the
 * server (which judges a scan) and the browser (which shows the ceiling and the smallest allowed window) compute
 * exactly the same values. Checked against SciPy's `scipy.stats.chi2` in tests/unit/drift/chi-squared.test.ts.
 */

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error below 1e-13 on the arguments used here). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = 0.99999999999980993;
  for (let i = 0; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i + 1);
  const t = z + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const MAX_ITERATIONS = 10_000;
const TOLERANCE = 1e-15;
const TINY = 1e-300;

/** P(a, x) by its power series; converges quickly for x < a + 1. */
function lowerGammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * TOLERANCE) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Q(a, x) = 1 − P(a, x) by its continued fraction (modified Lentz); converges quickly for x ≥ a + 1. */
function upperGammaFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < TOLERANCE) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** The regularised lower incomplete gamma function P(a, x), a > 0, x ≥ 0. */
export function regularizedLowerGamma(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`P(a, x) needs a > 0 and x ≥ 0, got a = ${a}, x = ${x}`);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? lowerGammaSeries(a, x) : 1 - upperGammaFraction(a, x);
}

/**
 * The regularised upper incomplete gamma function Q(a, x) = 1 − P(a, x), a > 0, x ≥ 0, computed directly by the
 * continued fraction where it converges (x ≥ a + 1), so tiny upper tails (p-values) keep their relative precision.
 */
export function regularizedUpperGamma(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`Q(a, x) needs a > 0 and x ≥ 0, got a = ${a}, x = ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerGammaSeries(a, x) : upperGammaFraction(a, x);
}

/** P(X > x) for X ~ χ² with `degrees` degrees of freedom: the upper tail, precise for small p-values. */
export function chiSquaredSurvival(x: number, degrees: number): number {
  if (!(degrees > 0)) throw new RangeError(`χ² needs positive degrees of freedom, got ${degrees}`);
  if (x <= 0) return 1;
  return regularizedUpperGamma(degrees / 2, x / 2);
}

/** P(X ≤ x) for X ~ χ² with `degrees` degrees of freedom. */
export function chiSquaredCdf(x: number, degrees: number): number {
  if (!(degrees > 0)) throw new RangeError(`χ² needs positive degrees of freedom, got ${degrees}`);
  if (x <= 0) return 0;
  return regularizedLowerGamma(degrees / 2, x / 2);
}

/**
 * The p-quantile of χ² with `degrees` degrees of freedom: the x with P(X ≤ x) = p, 0 < p < 1, found by bisection on
 * the CDF (monotone, so bisection cannot miss) to a relative width of 1e-13.
 */
export function chiSquaredQuantile(p: number, degrees: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`A quantile needs 0 < p < 1, got ${p}`);
  if (!(degrees > 0)) throw new RangeError(`χ² needs positive degrees of freedom, got ${degrees}`);
  let low = 0;
  let high = Math.max(1, degrees);
  while (chiSquaredCdf(high, degrees) < p) {
    low = high;
    high *= 2;
  }
  while (high - low > 1e-13 * high) {
    const middle = (low + high) / 2;
    if (middle === low || middle === high) break;
    if (chiSquaredCdf(middle, degrees) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
