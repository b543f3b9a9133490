import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { computeReferenceProfile, quantileEdges } from "@/server/services/drift/reference-profile";
import { parseSampleCsv } from "@/server/services/drift/sample-csv";

const range = (n: number, start = 1) => Array.from({ length: n }, (_, i) => i + start);
const spec = (name: string, type: "float32" | "float64" | "int64" | "string" | "bool") => ({ name, type });

describe("quantileEdges", () => {
  it("takes sample values at the k/B quantiles (NumPy 'lower')", () => {
    expect(quantileEdges(Float64Array.from(range(100)), 10)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(quantileEdges(Float64Array.from(range(11, 0)), 4)).toEqual([2, 5, 7]);
  });

  it("collapses ties and drops edges at the maximum", () => {
    const sorted = Float64Array.from([...new Array<number>(50).fill(0), ...range(50)]);
    expect(quantileEdges(sorted, 10)).toEqual([0, 10, 20, 30, 40]);
    const topHeavy = Float64Array.from([1, 2, 3, ...new Array<number>(97).fill(9)]);
    expect(quantileEdges(topHeavy, 10)).toEqual([]);
  });
});

describe("computeReferenceProfile", () => {
  it("bins a continuous feature into deciles with equal proportions", () => {
    const profile = computeReferenceProfile({ x: range(100), target: range(100) }, { inputs: [spec("x", "float32")] });
    expect(profile.sampleSize).toBe(100);
    expect(profile.binCount).toBe(10);
    expect(profile.features).toHaveLength(1);
    const [x] = profile.features;
    expect(x).toMatchObject({ name: "x", position: 0, kind: "NUMERIC", categories: [] });
    expect(x!.edges).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(x!.proportions).toEqual(new Array<number>(10).fill(0.1));
  });

  it("gives fewer bins, none empty, when values tie", () => {
    const values = [...new Array<number>(50).fill(0), ...range(50)];
    const [x] = computeReferenceProfile({ x: values }, { inputs: [spec("x", "float64")] }).features;
    expect(x!.edges).toEqual([0, 10, 20, 30, 40]);
    expect(x!.proportions).toEqual([0.5, 0.1, 0.1, 0.1, 0.1, 0.1]);
  });

  it("treats a numeric feature with at most `bins` distinct values as categorical", () => {
    const [flag] = computeReferenceProfile(
      { flag: [1, 0, 0, 1, 1, 2, 1, 0] },
      { inputs: [spec("flag", "int64")] },
      { bins: 3 },
    ).features;
    expect(flag).toMatchObject({ kind: "CATEGORICAL", edges: [], categories: ["0", "1", "2"] });
    expect(flag!.proportions).toEqual([3 / 8, 4 / 8, 1 / 8, 0]);
  });

  it("treats strings and booleans as categorical, most frequent first, with an empty 'other' bin", () => {
    const profile = computeReferenceProfile(
      { method: ["card", "cash", "card", "wallet", "card", "cash"], online: [1, 0, "true", "FALSE", 1, 1] },
      { inputs: [spec("method", "string"), spec("online", "bool")] },
    );
    expect(profile.features[0]).toMatchObject({
      kind: "CATEGORICAL",
      categories: ["card", "cash", "wallet"],
      position: 0,
    });
    expect(profile.features[0]!.proportions).toEqual([3 / 6, 2 / 6, 1 / 6, 0]);
    expect(profile.features[1]).toMatchObject({ kind: "CATEGORICAL", categories: ["true", "false"], position: 1 });
    expect(profile.features[1]!.proportions).toEqual([4 / 6, 2 / 6, 0]);
  });

  it("refuses a sample without a column for every input, naming them", () => {
    const run = () =>
      computeReferenceProfile(
        { a: [1] },
        { inputs: [spec("a", "float32"), spec("b", "float32"), spec("c", "string")] },
      );
    expect(run).toThrow(AppError);
    expect(run).toThrow(/"b", "c"/);
  });

  it("refuses non-numeric values in numeric inputs and empty samples", () => {
    expect(() => computeReferenceProfile({ a: [1, "x"] }, { inputs: [spec("a", "float32")] })).toThrow(/row 2 of "a"/);
    expect(() => computeReferenceProfile({ a: [] }, { inputs: [spec("a", "float32")] })).toThrow(/no rows/);
  });
});

describe("parseSampleCsv", () => {
  it("reads a header and rows into columns, every cell as its exact text (no type guessing)", () => {
    const { columns, rowCount } = parseSampleCsv(
      'amount,country,label\n12.5,DE,1\n-3e2,"F,R",0\r\n.5,"say ""hi""",1\n',
    );
    expect(rowCount).toBe(3);
    expect(columns).toEqual({
      amount: ["12.5", "-3e2", ".5"],
      country: ["DE", "F,R", 'say "hi"'],
      label: ["1", "0", "1"],
    });
  });

  it("accepts no trailing newline, blank lines and a byte-order mark", () => {
    expect(parseSampleCsv("\ufeffa,b\n1,2\n\n3,4").columns).toEqual({ a: ["1", "3"], b: ["2", "4"] });
  });

  it("refuses ragged rows, duplicate columns, unclosed quotes and empty text", () => {
    expect(() => parseSampleCsv("a,b\n1\n")).toThrow(/row 1 has 1 fields, the header has 2/);
    expect(() => parseSampleCsv("a,a\n1,2\n")).toThrow(/"a" twice/);
    expect(() => parseSampleCsv('a\n"1\n')).toThrow(/not closed/);
    expect(() => parseSampleCsv("")).toThrow(/empty/);
  });

  it("feeds computeReferenceProfile", () => {
    const csv = ["x,y", ...range(20).map((i) => `${i},${i % 2}`)].join("\n");
    const { columns } = parseSampleCsv(csv);
    const profile = computeReferenceProfile(
      columns,
      { inputs: [spec("x", "float32"), spec("y", "int64")] },
      { bins: 4 },
    );
    expect(profile.features.map((f) => f.kind)).toEqual(["NUMERIC", "CATEGORICAL"]);
    expect(profile.features[0]!.edges).toEqual([5, 10, 15]);
    expect(profile.features[0]!.proportions).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});
