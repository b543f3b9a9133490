import { describe, expect, it } from "vitest";
import {
  alphaPerAnnotator,
  alphaPerClass,
  cohenKappa,
  kappaPerPair,
  krippendorffAlpha,
  type Unit,
} from "@/server/services/labels/agreement";

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders × 12 units, missing values.
const RELIABILITY_DATA: Record<string, (number | null)[]> = {
  A: [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  B: [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  C: [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  D: [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
};

function units<V extends string | number>(convert: (value: number) => V): Unit<V>[] {
  return Array.from({ length: 12 }, (_, u) => ({
    unit: `u${u + 1}`,
    codings: Object.entries(RELIABILITY_DATA).flatMap(([coder, values]) =>
      values[u] === null ? [] : [{ coder, value: convert(values[u]!) }],
    ),
  }));
}

describe("Krippendorff's alpha", () => {
  it("matches the worked example with missing data: nominal 0.743, interval 0.849", () => {
    const nominal = krippendorffAlpha(units(String), "nominal");
    expect(nominal.alpha).toBeCloseTo(0.743, 3);
    // Unit 12 has a single value and is not pairable.
    expect(nominal.items).toBe(11);
    expect(krippendorffAlpha(units(Number), "interval").alpha).toBeCloseTo(0.849, 3);
  });

  it("is 1 for perfect agreement, null without variation or pairable data", () => {
    const perfect: Unit<string>[] = [
      {
        unit: "1",
        codings: [
          { coder: "a", value: "x" },
          { coder: "b", value: "x" },
        ],
      },
      {
        unit: "2",
        codings: [
          { coder: "a", value: "y" },
          { coder: "b", value: "y" },
        ],
      },
    ];
    expect(krippendorffAlpha(perfect, "nominal").alpha).toBe(1);
    expect(krippendorffAlpha(perfect.slice(0, 1), "nominal").alpha).toBeNull();
    expect(krippendorffAlpha([{ unit: "1", codings: [{ coder: "a", value: "x" }] }], "nominal")).toEqual({
      alpha: null,
      items: 0,
    });
  });

  it("gives per-class alphas (class vs rest) and the items having the class", () => {
    const perClass = alphaPerClass(units(String));
    expect(perClass.map((c) => c.label)).toEqual(["1", "2", "3", "4", "5"]);
    const four = perClass.find((c) => c.label === "4")!;
    expect(four.items).toBe(2);
    // Every coder who saw unit 10 coded 5 and nobody coded 5 elsewhere: perfect agreement on that class.
    expect(perClass.find((c) => c.label === "5")!.alpha).toBeCloseTo(1, 6);
  });

  it("flags an annotator who disagrees with everyone else, with the items behind it", () => {
    const data: Unit<string>[] = Array.from({ length: 8 }, (_, i) => {
      const truth = i % 2 === 0 ? "spam" : "ham";
      return {
        unit: String(i),
        codings: [
          { coder: "ann", value: truth },
          { coder: "bob", value: truth },
          { coder: "eve", value: truth === "spam" ? "ham" : "spam" },
        ],
      };
    });
    const byAnnotator = alphaPerAnnotator(data, "nominal");
    expect(byAnnotator.find((a) => a.annotator === "eve")).toMatchObject({ items: 8, low: true });
    expect(byAnnotator.find((a) => a.annotator === "ann")!.alpha!).toBeGreaterThan(
      byAnnotator.find((a) => a.annotator === "eve")!.alpha!,
    );
  });
});

describe("Cohen's kappa", () => {
  it("matches the textbook 2×2 example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → κ = 0.4", () => {
    const pairs = [
      ...Array.from({ length: 20 }, () => ({ a: "yes", b: "yes" })),
      ...Array.from({ length: 5 }, () => ({ a: "yes", b: "no" })),
      ...Array.from({ length: 10 }, () => ({ a: "no", b: "yes" })),
      ...Array.from({ length: 15 }, () => ({ a: "no", b: "no" })),
    ];
    const { kappa, items } = cohenKappa(pairs);
    expect(kappa).toBeCloseTo(0.4, 10);
    expect(items).toBe(50);
  });

  it("pairs annotators over the items both labelled (Krippendorff's data, coders A and B)", () => {
    const pairs = kappaPerPair(units(String));
    const ab = pairs.find((p) => p.annotators.join() === "A,B")!;
    expect(ab.items).toBe(9);
    // A and B agree on 8 of 9; (p_o − p_e)/(1 − p_e) computed independently in python3 (collections.Counter).
    expect(ab.kappa).toBeCloseTo(0.844828, 5);
    expect(cohenKappa([])).toEqual({ kappa: null, items: 0 });
  });
});
