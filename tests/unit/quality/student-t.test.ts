import { describe, expect, it } from "vitest";
import { tFor } from "@/server/services/quality/estimators/student-t";

describe("Student's t critical values", () => {
  it("matches the closed forms for 1 and 2 degrees of freedom", () => {
    expect(tFor(0.95, 1)).toBeCloseTo(1 / Math.tan(Math.PI / 40), 9);
    expect(tFor(0.99, 1)).toBeCloseTo(1 / Math.tan(Math.PI / 200), 7);
    expect(tFor(0.95, 2)).toBeCloseTo(Math.sqrt(2 / (0.05 * 1.95) - 2), 9);
  });

  it("matches scipy.stats.t.ppf", () => {
    // t.ppf(0.975, [3, 10, 30, 39]), t.ppf(0.995, 5)
    expect(tFor(0.95, 3)).toBeCloseTo(3.1824463052837078, 9);
    expect(tFor(0.95, 10)).toBeCloseTo(2.228138851986274, 9);
    expect(tFor(0.95, 30)).toBeCloseTo(2.042272456301238, 9);
    expect(tFor(0.95, 39)).toBeCloseTo(2.022690920036761, 9);
    expect(tFor(0.99, 5)).toBeCloseTo(4.032142983555228, 9);
  });

  it("falls between the neighbouring integers for fractional df and tends to the normal value", () => {
    expect(tFor(0.95, 2.5)).toBeLessThan(tFor(0.95, 2));
    expect(tFor(0.95, 2.5)).toBeGreaterThan(tFor(0.95, 3));
    expect(tFor(0.95, Infinity)).toBeCloseTo(1.959963984540054, 12);
    expect(tFor(0.95, 1e7)).toBeCloseTo(1.959963984540054, 5);
    expect(tFor(0.95, 0)).toBeNaN();
  });
});
