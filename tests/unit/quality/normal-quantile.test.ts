import { describe, expect, it } from "vitest";
import { normalQuantile, zFor } from "@/server/services/quality/estimators/normal-quantile";

/** scipy.stats.norm.ppf(p), computed with Debian's python3-scipy 1.x. */
const SCIPY: Array<[number, number]> = [
  [1e-300, -37.0470962993612],
  [1e-20, -9.262340089798409],
  [1e-10, -6.361340902404056],
  [1e-5, -4.264890793922825],
  [0.001, -3.090232306167813],
  [0.01, -2.3263478740408408],
  [0.025, -1.9599639845400545],
  [0.05, -1.6448536269514729],
  [0.075, -1.4395314709384563],
  [0.1, -1.2815515655446004],
  [0.3, -0.5244005127080409],
  [0.5, 0],
  [0.6, 0.2533471031357997],
  [0.9, 1.2815515655446004],
  [0.925, 1.4395314709384563],
  [0.95, 1.6448536269514722],
  [0.975, 1.959963984540054],
  [0.99, 2.3263478740408408],
  [0.999, 3.090232306167813],
  [0.9999999999, 6.361340889697422],
];

describe("normalQuantile (AS 241)", () => {
  it.each(SCIPY)("Φ⁻¹(%s) matches scipy.stats.norm.ppf", (p, expected) => {
    expect(Math.abs(normalQuantile(p) - expected)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(expected)));
  });

  it("is ±Infinity at the ends and NaN outside [0, 1]", () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(1.1)).toBeNaN();
    expect(normalQuantile(Number.NaN)).toBeNaN();
  });

  it("gives the two-sided critical values", () => {
    expect(zFor(0.95)).toBeCloseTo(1.959963984540054, 14);
    expect(zFor(0.9)).toBeCloseTo(1.6448536269514722, 14);
  });
});
