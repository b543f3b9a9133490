import { describe, expect, it } from "vitest";
import type { Signature } from "@/contracts/signature";
import { splitCsvRecord } from "@/lib/csv/csv-byte-records";
import {
  BatchInputError,
  featureRow,
  outputHeader,
  outputLine,
  planColumns,
} from "@/server/services/batch/batch-columns";

// Invariants of a batch job's columns:
// 1. A header that cannot be scored is refused with a BatchInputError naming the column: a missing key or input
//    column, a column named twice (in the header or the key columns), a key column that would clash with an output
//    column (_row, _error, a model output).
// 2. Columns are found by name (trimmed), in any order; columns the model does not read are ignored.
// 3. A cell that is not of its input's type makes that row an error naming the input, never a guessed value.
// 4. An output line reads back (as CSV) as exactly: the key cells, the 1-based row number, the outputs, the error —
//    whatever the keys hold (commas, quotes, line ends).

const signature: Signature = {
  inputs: [
    { name: "amount", type: "float32" },
    { name: "count", type: "int64" },
    { name: "flag", type: "bool" },
    { name: "city", type: "string" },
  ],
  outputs: [
    { name: "score", type: "float32" },
    { name: "embedding", type: "float32" },
  ],
};
const header = ["id", " amount", "city", "note", "count ", "flag"];

describe("planColumns", () => {
  it("finds key and input columns by their trimmed names, in any order", () => {
    expect(planColumns(header, ["id", "note"], signature)).toEqual({
      keys: [
        { name: "id", index: 0 },
        { name: "note", index: 3 },
      ],
      inputs: [
        { name: "amount", type: "float32", index: 1, jsonKey: '"amount":' },
        { name: "count", type: "int64", index: 4, jsonKey: '"count":' },
        { name: "flag", type: "bool", index: 5, jsonKey: '"flag":' },
        { name: "city", type: "string", index: 2, jsonKey: '"city":' },
      ],
      outputs: ["score", "embedding"],
    });
  });

  it("refuses a missing key column, naming it and the header's columns", () => {
    expect(() => planColumns(header, ["txn"], signature)).toThrow(BatchInputError);
    expect(() => planColumns(header, ["txn"], signature)).toThrow(/no key column "txn" \(it has: id, amount, city/);
  });

  it("refuses a missing input column", () => {
    expect(() => planColumns(["id", "amount", "city", "flag"], ["id"], signature)).toThrow(/no input column "count"/);
  });

  it("refuses a column named twice, even when only spaces differ", () => {
    expect(() => planColumns(["id", "amount", "amount "], ["id"], signature)).toThrow(/"amount" appears twice/);
  });

  it("refuses a key column named twice (the output would have two columns of that name)", () => {
    expect(() => planColumns(header, ["id", "note", "id"], signature)).toThrow(/Key column "id" is named twice/);
  });

  it("refuses key columns that would clash with the output's own columns", () => {
    for (const key of ["_row", "_error", "score", "embedding"]) {
      const withKey = [...header, key];
      expect(() => planColumns(withKey, [key], signature), key).toThrow(new RegExp(`"${key}" would clash`));
    }
  });
});

describe("featureRow", () => {
  const columns = planColumns(header, ["id"], signature);
  const fields = (amount: string, count: string, flag: string, city = "Paris") => [
    "r1",
    amount,
    city,
    "free text",
    count,
    flag,
  ];

  it("types each cell as its input's type, as the JSON the runtime reads", () => {
    const json = (result: ReturnType<typeof featureRow>) => ("json" in result ? JSON.parse(result.json) : result);
    expect(json(featureRow(fields(" 12.5 ", "3", "true"), columns))).toEqual({
      amount: 12.5,
      count: 3,
      flag: true,
      city: "Paris",
    });
    expect(json(featureRow(fields("-1e3", "0", "0", " 12 "), columns))).toEqual({
      amount: -1000,
      count: 0,
      flag: false,
      city: " 12 ",
    });
    // A number as JSON writes it goes as written; a city with a quote is escaped.
    const written = featureRow(fields("0.10", "12", "false", 'say "hi"'), columns);
    expect(written).toEqual({ json: '{"amount":0.10,"count":12,"flag":false,"city":"say \\"hi\\""}' });
  });

  it("makes a row an error naming the input when a cell is not of its type", () => {
    expect(featureRow(fields("lots", "3", "true"), columns)).toEqual({ error: expect.stringMatching(/^"amount": /) });
    expect(featureRow(fields("", "3", "true"), columns)).toEqual({ error: expect.stringMatching(/^"amount": /) });
    expect(featureRow(fields("1", "2.5", "true"), columns)).toEqual({ error: expect.stringMatching(/^"count": /) });
    expect(featureRow(fields("1", "1e300", "true"), columns)).toEqual({ error: expect.stringMatching(/^"count": /) });
    expect(featureRow(fields("Infinity", "1", "true"), columns)).toEqual({ error: expect.stringMatching(/"amount"/) });
    expect(featureRow(fields("1", "1", "yes"), columns)).toEqual({ error: expect.stringMatching(/^"flag": /) });
  });

  it("makes a short row an error naming the first missing cell", () => {
    expect(featureRow(["r1", "1", "Paris"], columns)).toEqual({ error: 'the row has no "count" cell' });
  });
});

describe("outputHeader and outputLine", () => {
  const columns = planColumns(["id", "region", "amount", "count", "flag", "city"], ["id", "region"], signature);

  it("writes the keys, _row, the outputs and _error", () => {
    expect(outputHeader(columns)).toBe("id,region,_row,score,embedding,_error\n");
  });

  it("reads back exactly, whatever the keys hold", () => {
    const nasty = ["a,b", 'say "hi"', "two\nlines", "", "=SUM(A1)", "é€"];
    for (const key of nasty) {
      const fields = [key, `${key}!`, "1", "2", "true", "x"];
      const ok = outputLine(fields, 7, columns, { prediction: { score: 0.25, embedding: [1, 2.5] } });
      expect(splitCsvRecord(ok.slice(0, -1))).toEqual([key, `${key}!`, "7", "0.25", "[1,2.5]", ""]);
      const failed = outputLine(fields, 8, columns, { error: '"amount": expected a number, got "x,y"' });
      expect(splitCsvRecord(failed.slice(0, -1))).toEqual([
        key,
        `${key}!`,
        "8",
        "",
        "",
        '"amount": expected a number, got "x,y"',
      ]);
    }
  });

  it("leaves an output the runtime did not give empty", () => {
    expect(outputLine(["k", "r"], 1, columns, { prediction: { score: 1 } })).toBe("k,r,1,1,,\n");
  });
});
