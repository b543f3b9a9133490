import { parseBucketBound } from "@/server/integrations/prometheus/prometheus-text";
import { describe, expect, it } from "vitest";
import {
  PSI_EPSILON,
  countsFromCumulativeBuckets,
  expectedPsiUnderNoDrift,
  populationStabilityIndex,
} from "@/server/services/drift/psi";
import { binCount, binIndex, numericBinIndex } from "@/contracts/feature-bins";

describe("populationStabilityIndex", () => {
  it("is 0 for identical distributions", () => {
    expect(populationStabilityIndex([0.25, 0.25, 0.25, 0.25], [25, 25, 25, 25])).toBe(0);
    expect(populationStabilityIndex([0.1, 0.2, 0.7], [100, 200, 700])).toBeCloseTo(0, 12);
  });

  it("matches a two-bin shift computed by hand: 50/50 → 80/20 gives 0.3·ln1.6 − 0.3·ln0.4 = 0.3·ln4", () => {
    expect(populationStabilityIndex([0.5, 0.5], [80, 20])).toBeCloseTo(0.3 * Math.log(4), 12);
    expect(populationStabilityIndex([0.5, 0.5], [80, 20])).toBeCloseTo(0.4158883083, 9);
  });

  it("is symmetric in which side moved", () => {
    expect(populationStabilityIndex([0.8, 0.2], [50, 50])).toBeCloseTo(
      populationStabilityIndex([0.5, 0.5], [80, 20]),
      12,
    );
  });

  it("replaces an empty production bin by epsilon and renormalises", () => {
    const p0 = 1 / (1 + PSI_EPSILON);
    const p1 = PSI_EPSILON / (1 + PSI_EPSILON);
    const byHand = (p0 - 0.5) * Math.log(p0 / 0.5) + (p1 - 0.5) * Math.log(p1 / 0.5);
    expect(populationStabilityIndex([0.5, 0.5], [100, 0])).toBeCloseTo(byHand, 12);
    expect(populationStabilityIndex([0.5, 0.5], [100, 0])).toBeCloseTo(4.604249244, 8);
  });

  it("replaces an empty reference bin by epsilon: a category never seen in training", () => {
    const e = PSI_EPSILON;
    const s = 1 + e;
    const q = [0.5 / s, 0.3 / s, 0.2 / s, e / s];
    const p = [0.4, 0.3, 0.2, 0.1];
    const byHand = p.reduce((sum, pi, i) => sum + (pi - q[i]!) * Math.log(pi / q[i]!), 0);
    expect(populationStabilityIndex([0.5, 0.3, 0.2, 0], [40, 30, 20, 10])).toBeCloseTo(byHand, 12);
    expect(byHand).toBeCloseTo(0.7123880205, 9);
  });

  it("is 0 when the same bin is empty on both sides", () => {
    expect(populationStabilityIndex([0.5, 0, 0.5], [10, 0, 10])).toBeCloseTo(0, 12);
  });

  it("honours a custom epsilon", () => {
    expect(populationStabilityIndex([0.5, 0.5], [100, 0], 0.01)).toBeLessThan(
      populationStabilityIndex([0.5, 0.5], [100, 0]),
    );
  });

  it("is NaN without production rows and refuses mismatched bins", () => {
    expect(populationStabilityIndex([0.5, 0.5], [0, 0])).toBeNaN();
    expect(() => populationStabilityIndex([0.5, 0.5], [1, 2, 3])).toThrow(RangeError);
  });
});

describe("expectedPsiUnderNoDrift", () => {
  it("is (B−1)(1/n + 1/m)", () => {
    expect(expectedPsiUnderNoDrift(10, 1000, 4000)).toBeCloseTo(9 * (0.001 + 0.00025), 15);
    expect(expectedPsiUnderNoDrift(2, 100, 100)).toBeCloseTo(0.02, 15);
  });
});

describe("countsFromCumulativeBuckets", () => {
  it("sorts by le (+Inf last) and differences", () => {
    expect(
      countsFromCumulativeBuckets([
        { le: 1, count: 3 },
        { le: Infinity, count: 10 },
        { le: 0, count: 1 },
      ]),
    ).toEqual([1, 2, 7]);
  });

  it("clamps the small negatives a counter reset leaves and keeps the total at the +Inf count", () => {
    const counts = countsFromCumulativeBuckets([
      { le: 0, count: 5 },
      { le: 1, count: 4.999 },
      { le: Infinity, count: 9 },
    ]);
    expect(counts).toEqual([5, 0, 4]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(9);
  });

  it("keeps the non-integer counts increase() extrapolates", () => {
    expect(
      countsFromCumulativeBuckets([
        { le: 0.5, count: 1.5 },
        { le: Infinity, count: 4.5 },
      ]),
    ).toEqual([1.5, 3]);
  });
});

describe("parseBucketBound", () => {
  it("reads Prometheus' spellings of bucket bounds", () => {
    expect(["+Inf", "Inf", "+inf", "1.0", "1", "-0.25", "1e-7", "0"].map(parseBucketBound)).toEqual([
      Infinity,
      Infinity,
      Infinity,
      1,
      1,
      -0.25,
      1e-7,
      0,
    ]);
    expect(() => parseBucketBound("abc")).toThrow(RangeError);
    expect(() => parseBucketBound("")).toThrow(RangeError);
  });

  it("is what countsFromCumulativeBuckets needs: a NaN bound is refused, not mis-sorted", () => {
    expect(() =>
      countsFromCumulativeBuckets([
        { le: Number.parseFloat("+Inf"), count: 2 },
        { le: 1, count: 1 },
      ]),
    ).toThrow(RangeError);
  });
});

describe("binIndex", () => {
  const numeric = { kind: "NUMERIC" as const, edges: [1, 2, 3], categories: [] };

  it("puts numeric values in (e[i-1], e[i]] bins like Prometheus le buckets", () => {
    expect(binCount(numeric)).toBe(4);
    expect([-5, 1, 1.0001, 2, 2.5, 3, 3.0001, 1e9].map((v) => binIndex(numeric, v))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(binIndex(numeric, 2n)).toBe(1);
    expect(numericBinIndex([], 7)).toBe(0);
  });

  it("matches categories as strings; an unseen value goes to the extra last bin", () => {
    const categorical = { kind: "CATEGORICAL" as const, edges: [], categories: ["0", "1", "true", "card"] };
    expect(binCount(categorical)).toBe(5);
    expect([0, 1, 1n, true, "card", "cash", 2, false].map((v) => binIndex(categorical, v))).toEqual([
      0, 1, 1, 2, 3, 4, 4, 4,
    ]);
  });
});
