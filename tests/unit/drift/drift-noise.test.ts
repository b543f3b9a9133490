import { describe, expect, it } from "vitest";
import { chiSquaredCdf, chiSquaredQuantile, logGamma } from "@/lib/chi-squared";
import { expectedPsiUnderNoDrift, lowestAlertPsi, minimumSamples, noiseCeilingPsi } from "@/lib/drift-noise";
import { populationStabilityIndex } from "@/server/services/drift/psi";

/** python3 -c "from scipy.stats import chi2; print(repr(chi2.ppf(p, k)))" (SciPy 1.x, Debian python3-scipy). */
const SCIPY_QUANTILES: Array<[p: number, k: number, x: number]> = [
  [0.5, 1, 0.454936423119572],
  [0.95, 1, 3.841458820694124],
  [0.999, 1, 10.827566170662733],
  [0.5, 2, 1.386294361119891],
  [0.95, 2, 5.991464547107979],
  [0.999, 2, 13.815510557964274],
  [0.95, 3, 7.814727903251179],
  [0.999, 3, 16.26623619623813],
  [0.5, 9, 8.342832692252955],
  [0.95, 9, 16.918977604620448],
  [0.999, 9, 27.877164871256568],
  [0.999, 19, 43.82019596451753],
  [0.5, 50, 49.33493673397683],
  [0.999, 50, 86.66081519040317],
  [0.95, 100, 124.34211340400407],
  [0.999, 100, 149.44925277903886],
];

describe("χ² distribution", () => {
  it("matches SciPy's chi2.ppf to 1e-9 relative", () => {
    for (const [p, k, x] of SCIPY_QUANTILES) {
      expect(Math.abs(chiSquaredQuantile(p, k) - x) / x, `p=${p} k=${k}`).toBeLessThan(1e-9);
    }
  });

  it("matches SciPy's chi2.cdf, and the quantile inverts the CDF", () => {
    expect(chiSquaredCdf(10, 9)).toBeCloseTo(0.6495147876766387, 12);
    expect(chiSquaredCdf(0.5, 1)).toBeCloseTo(0.5204998778130466, 12);
    expect(chiSquaredCdf(100, 50)).toBeCloseTo(0.9999654506861702, 12);
    expect(chiSquaredCdf(0, 3)).toBe(0);
    for (const k of [1, 4, 10, 49]) expect(chiSquaredCdf(chiSquaredQuantile(0.999, k), k)).toBeCloseTo(0.999, 12);
  });

  it("lnΓ is exact on integers and half-integers", () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it("refuses p outside (0, 1) and non-positive degrees of freedom", () => {
    expect(() => chiSquaredQuantile(1, 3)).toThrow(RangeError);
    expect(() => chiSquaredQuantile(0, 3)).toThrow(RangeError);
    expect(() => chiSquaredQuantile(0.5, 0)).toThrow(RangeError);
  });
});

describe("noise ceiling and minimum window", () => {
  it("the ceiling is χ²_{B−1, 0.999}·(1/n + 1/m), beside the mean (B−1)·(1/n + 1/m)", () => {
    expect(noiseCeilingPsi(10, 1000, 4000)).toBeCloseTo(27.877164871256568 * (1 / 1000 + 1 / 4000), 12);
    expect(expectedPsiUnderNoDrift(10, 1000, 4000)).toBeCloseTo(9 * (1 / 1000 + 1 / 4000), 15);
    expect(noiseCeilingPsi(10, 1000, 4000)).toBeGreaterThan(expectedPsiUnderNoDrift(10, 1000, 4000));
    expect(noiseCeilingPsi(1, 10, 10)).toBe(0);
  });

  it("the minimum n is the smallest window whose ceiling stays below the alert threshold", () => {
    // 27.877…·(1/n + 1/5000) < 0.25 ⇔ n > 1/(0.25/27.877… − 1/5000) = 112.0… ⇒ 113
    const basis = { bins: 10, referenceSize: 5000 };
    const n = minimumSamples(basis, 0.25)!;
    expect(n).toBe(Math.floor(1 / (0.25 / 27.877164871256568 - 1 / 5000)) + 1);
    expect(noiseCeilingPsi(10, n, 5000)).toBeLessThan(0.25);
    expect(noiseCeilingPsi(10, n - 1, 5000)).toBeGreaterThanOrEqual(0.25);
    // More bins (a categorical feature with 50 categories + other) need more rows; a lower alert threshold more still.
    expect(minimumSamples({ bins: 51, referenceSize: 5000 }, 0.25)!).toBeGreaterThan(n);
    expect(minimumSamples(basis, 0.1)!).toBeGreaterThan(n);
  });

  it("no window is enough when the reference alone reaches the alert threshold", () => {
    const basis = { bins: 10, referenceSize: 100 };
    expect(lowestAlertPsi(basis)).toBeCloseTo(0.27877164871256568, 12);
    expect(minimumSamples(basis, 0.25)).toBeNull();
    expect(minimumSamples(basis, 0.28)).toBeGreaterThan(1000);
  });

  it("simulated no-drift windows exceed the ceiling about once in a thousand, the mean about half the time", () => {
    // A deterministic LCG so the test is reproducible; 10 equal bins, m = 2000 reference rows, n = 300.
    let seed = 12345;
    const uniform = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const bins = 10;
    const reference = new Array<number>(bins).fill(1 / bins);
    const n = 300;
    const m = 2000;
    const ceiling = noiseCeilingPsi(bins, n, m);
    let above = 0;
    const trials = 4000;
    for (let t = 0; t < trials; t++) {
      const counts = new Array<number>(bins).fill(0);
      for (let i = 0; i < n; i++) counts[Math.floor(uniform() * bins)]! += 1;
      // The reference is exact here (m → ∞ in effect), so compare against the ceiling at m = ∞ as well.
      if (populationStabilityIndex(reference, counts) > noiseCeilingPsi(bins, n, Infinity)) above++;
    }
    expect(above / trials).toBeLessThan(0.005);
    expect(ceiling).toBeGreaterThan(noiseCeilingPsi(bins, n, Infinity));
  });
});
