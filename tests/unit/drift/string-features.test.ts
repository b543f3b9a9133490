import { describe, expect, it } from "vitest";
import { binIndex } from "@/contracts/feature-bins";
import { featureValueFromText } from "@/contracts/feature-values";
import type { VariantConfig } from "@/contracts/runtime-control";
import { VariantFeatureHistograms } from "@/runtime/feature-histograms";
import { validateRows } from "@/runtime/serving/signature-validation";
import { populationStabilityIndex } from "@/server/services/drift/psi";
import { computeReferenceProfile } from "@/server/services/drift/reference-profile";
import { parseSampleCsv } from "@/server/services/drift/sample-csv";

/** Postcodes and product codes: strings that look like numbers, with leading zeros that make them distinct. */
const POSTCODES = ["01001", "0742", "1001", "00501", "1e3", " 42", "1.50"];
const signature = {
  inputs: [
    { name: "postcode", type: "string" as const },
    { name: "amount", type: "float32" as const },
  ],
  outputs: [{ name: "p", type: "float32" as const }],
};

/** 700 rows, 100 per postcode; CSV cells written as a pipeline would (quoting only " 42", which has a space). */
const rows = Array.from({ length: 700 }, (_, i) => ({ postcode: POSTCODES[i % POSTCODES.length]!, amount: i / 7 }));
const csv = [
  "postcode,amount,label",
  ...rows.map((r) => `${r.postcode.startsWith(" ") ? `"${r.postcode}"` : r.postcode},${r.amount},0`),
].join("\n");

describe("a string feature that looks numeric keeps its exact string form end to end", () => {
  it("the reference profile makes it CATEGORICAL with the exact strings (01001 ≠ 1001 ≠ 1e3)", () => {
    const profile = computeReferenceProfile(parseSampleCsv(csv).columns, signature);
    const postcode = profile.features[0]!;
    expect(postcode.kind).toBe("CATEGORICAL");
    expect([...postcode.categories].sort()).toEqual([...POSTCODES].sort());
    expect(postcode.proportions.slice(0, -1)).toEqual(new Array<number>(7).fill(1 / 7));
    expect(postcode.proportions.at(-1)).toBe(0);
  });

  it("binIndex compares a categorical value's exact string: no number parsing", () => {
    const bins = { kind: "CATEGORICAL" as const, edges: [], categories: ["01001", "1001", "0742"] };
    expect(["01001", "1001", "0742", "742", "1001.0", " 01001"].map((v) => binIndex(bins, v))).toEqual([
      0, 1, 2, 3, 3, 3,
    ]);
    expect(binIndex(bins, 1001)).toBe(1);
  });

  it("the runtime counts identical served rows into the reference's bins, so PSI is ~0", () => {
    const profile = computeReferenceProfile(parseSampleCsv(csv).columns, signature);
    const config = {
      variantName: "v1",
      signature,
      featureBins: profile.features.map(({ name, kind, edges, categories }) => ({ name, kind, edges, categories })),
    } as unknown as VariantConfig;
    const histograms = new VariantFeatureHistograms("postcodes", "v1", config);
    histograms.observe(validateRows(JSON.parse(JSON.stringify(rows)) as unknown[], signature.inputs));
    const lines: string[] = [];
    histograms.expose(lines);
    const cumulative = lines
      .filter((line) => line.includes('feature="postcode"') && line.includes("_bucket"))
      .map((line) => Number(line.split(" ").at(-1)));
    const counts = cumulative.map((c, i) => c - (i > 0 ? cumulative[i - 1]! : 0));
    expect(counts).toEqual([...new Array<number>(7).fill(100), 0]);
    expect(populationStabilityIndex(profile.features[0]!.proportions, counts)).toBeLessThan(1e-12);
  });

  it("numeric inputs parse their CSV text as numbers; anything else is refused, naming row and cell", () => {
    const { columns } = parseSampleCsv('code,x\n007," 1.5 "\n7,2e0\n8,-.5\n');
    const profile = computeReferenceProfile(columns, {
      inputs: [
        { name: "code", type: "int64" },
        { name: "x", type: "float64" },
      ],
    });
    // int64 007 is the number 7, as the runtime's BigInt(7) reads it: one category "7", not "007".
    expect(profile.features[0]).toMatchObject({ kind: "CATEGORICAL", categories: ["7", "8"] });
    expect(profile.features[0]!.proportions).toEqual([2 / 3, 1 / 3, 0]);
    expect(profile.features[1]).toMatchObject({ kind: "CATEGORICAL", categories: ["-0.5", "1.5", "2"] });
    for (const bad of ["0x10", "", "Infinity", "1,5", "NaN"]) {
      const text = parseSampleCsv(`x,y\n1,a\n"${bad}",b\n`).columns;
      expect(() => computeReferenceProfile(text, { inputs: [{ name: "x", type: "float32" }] })).toThrow(
        `row 2 of "x" (float32) is not a number: "${bad}"`,
      );
    }
  });

  it("bool inputs read true/false/1/0 in any case and surrounding spaces as the runtime's true/false", () => {
    const { columns } = parseSampleCsv("b\nTRUE\n 0\n1\nfalse\n");
    const [b] = computeReferenceProfile(columns, { inputs: [{ name: "b", type: "bool" }] }).features;
    expect(b).toMatchObject({ kind: "CATEGORICAL", categories: ["false", "true"], proportions: [0.5, 0.5, 0] });
  });

  it("featureValueFromText reads a cell by its declared type, as the runtime reads the JSON value", () => {
    expect(["01001", " 42", "1e3", ""].map((t) => featureValueFromText("string", t))).toEqual([
      "01001",
      " 42",
      "1e3",
      "",
    ]);
    expect(["01001", " 1.5 ", "-.5", "1e3"].map((t) => featureValueFromText("float32", t))).toEqual([
      1001, 1.5, -0.5, 1000,
    ]);
    expect(["0x1F", "Infinity", "NaN", "", "1,5", "1e999"].map((t) => featureValueFromText("float64", t))).toEqual(
      new Array(6).fill(undefined),
    );
    expect(["007", "1.5", "9007199254740993"].map((t) => featureValueFromText("int64", t))).toEqual([
      7,
      undefined,
      undefined,
    ]);
    expect(["TRUE", " 0", "yes"].map((t) => featureValueFromText("bool", t))).toEqual([true, false, undefined]);
  });
});
