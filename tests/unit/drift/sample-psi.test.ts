import { numericBinIndex } from "@/contracts/feature-bins";
import { describe, expect, it } from "vitest";
import { seededRandom } from "@/training/random";
import { populationStabilityIndex } from "@/server/services/drift/psi";
import { quantileEdges } from "@/server/services/drift/reference-profile";
import { referenceBins, sampleBinCounts, samplePsi, sampleQuantileEdges } from "@/server/services/drift/sample-psi";

function column(size: number, seed: number, draw: (r: ReturnType<typeof seededRandom>) => number) {
  const random = seededRandom(seed);
  return Float64Array.from({ length: size }, () => draw(random));
}

describe("sampleQuantileEdges", () => {
  it("equals the sort-based edges on continuous, tied and tiny samples", () => {
    const samples = [
      column(10_001, 1, (r) => r.normal()),
      column(5_000, 2, (r) => Math.floor(r.exponential(3))),
      column(3_000, 3, (r) => (r.uniform() < 0.7 ? 0 : r.uniform())),
      Float64Array.from([5, 1, 3]),
      Float64Array.from([2]),
    ];
    for (const values of samples) {
      for (const bins of [2, 4, 10, 20]) {
        expect(sampleQuantileEdges(values, bins)).toEqual(quantileEdges(values.slice().sort(), bins));
      }
    }
  });

  it("is exact on samples larger than its pivot sample, whatever their order, with per-bin counts", () => {
    const normal = column(100_000, 8, (r) => r.normal());
    const tied = column(60_000, 9, (r) => Math.floor(r.exponential(2)));
    const mostlyZero = column(50_000, 10, (r) => (r.uniform() < 0.93 ? 0 : r.uniform()));
    const sortedRun = normal.slice().sort();
    const sawtooth = Float64Array.from({ length: 70_000 }, (_, i) => (i % 7) + (i % 16_384) * 1e-6);
    for (const values of [normal, tied, mostlyZero, sortedRun, sawtooth]) {
      for (const bins of [2, 10, 16, 40]) {
        const { edges, counts } = referenceBins(values, bins);
        expect(edges).toEqual(quantileEdges(values.slice().sort(), bins));
        expect(Array.from(counts)).toEqual(Array.from(sampleBinCounts(values, edges)));
      }
    }
  });

  it("leaves its input untouched", () => {
    const values = Float64Array.from([3, 1, 2, 5, 4]);
    sampleQuantileEdges(values, 2);
    expect(Array.from(values)).toEqual([3, 1, 2, 5, 4]);
  });
});

describe("sampleBinCounts", () => {
  it("bins like numericBinIndex for every edge count, values on edges included", () => {
    const values = Float64Array.from([...column(2_000, 4, (r) => r.normal()), -1, 0, 1, Infinity, -Infinity]);
    for (const edges of [
      [],
      [0],
      [-1, 0],
      [-1, 0, 1],
      [-2, -1, -0.5, 0, 0.5, 1, 2],
      [-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 2],
    ]) {
      const expected = new Array<number>(edges.length + 1).fill(0);
      for (const v of values) expected[numericBinIndex(edges, v)]! += 1;
      expect(Array.from(sampleBinCounts(values, edges))).toEqual(expected);
    }
  });
});

describe("samplePsi", () => {
  it("is ~0 for two draws of one distribution and large for a shifted one", () => {
    const reference = column(50_000, 5, (r) => r.normal());
    expect(
      samplePsi(
        reference,
        column(50_000, 6, (r) => r.normal()),
      ).psi,
    ).toBeLessThan(0.002);
    expect(
      samplePsi(
        reference,
        column(50_000, 7, (r) => r.normal(1)),
      ).psi,
    ).toBeGreaterThan(0.5);
  });

  it("matches populationStabilityIndex on its own counts", () => {
    const reference = Float64Array.from([1, 2, 3, 4]);
    const result = samplePsi(reference, Float64Array.from([1, 1, 1, 4]), 2);
    expect(result.edges).toEqual([2]);
    expect(Array.from(result.referenceCounts)).toEqual([2, 2]);
    expect(Array.from(result.productionCounts)).toEqual([3, 1]);
    expect(result.psi).toBeCloseTo(populationStabilityIndex([0.5, 0.5], [3, 1]), 15);
    expect(result.psi).toBeCloseTo(0.25 * Math.log(1.5) - 0.25 * Math.log(0.5), 12);
  });
});
