import { describe, expect, it } from "vitest";
import type { TensorSpec } from "@/contracts/signature";
import { feedsFromBatch, layoutOf, type WireFeeds } from "@/runtime/inference/tensors";
import { csvBodyRecords, outputCells, packRecords, sliceBatch } from "@/runtime/serving/csv-rows";

const INPUTS: TensorSpec[] = [
  { name: "amount", type: "float32", shape: [-1, 1] },
  { name: "items", type: "int64", shape: [-1, 1] },
  { name: "channel", type: "string", shape: [-1, 1] },
  { name: "first", type: "bool", shape: [-1, 1] },
];
const pack = (records: string[][], columns = [0, 1, 2, 3]) => packRecords(records, INPUTS, columns, layoutOf(INPUTS));

describe("packRecords", () => {
  it("packs each input's column straight into the tensors the model takes, in record order", () => {
    const packed = pack([
      ["12.5", "3", "web", "true"],
      [" 7 ", "2", "app,x", "0"],
    ]);
    expect(packed.failed).toBe(0);
    const feeds = feedsFromBatch(packed.batch);
    expect(Array.from(feeds.amount!.data as Float32Array)).toEqual([12.5, 7]);
    expect(Array.from(feeds.items!.data as BigInt64Array)).toEqual([3n, 2n]);
    expect(feeds.channel!.data).toEqual(["web", "app,x"]);
    expect(Array.from(feeds.first!.data as Uint8Array)).toEqual([1, 0]);
    expect(feeds.amount!.dims).toEqual([2, 1]);
  });

  it("reads inputs from the columns named, in signature order", () => {
    const packed = pack([["key", "app", "false", "9", "1.5"]], [4, 3, 1, 2]);
    const feeds = feedsFromBatch(packed.batch);
    expect(Array.from(feeds.amount!.data as Float32Array)).toEqual([1.5]);
    expect(Array.from(feeds.items!.data as BigInt64Array)).toEqual([9n]);
    expect(feeds.channel!.data).toEqual(["app"]);
    expect(Array.from(feeds.first!.data as Uint8Array)).toEqual([0]);
  });

  it("leaves out a row with a cell not of its type, or too few cells, with why; the rest keep their places", () => {
    const cells: Array<[string, string]> = [
      ["0x1A", 'expected a number (float32), got "0x1A"'],
      [" 0x1A", 'expected a number (float32), got " 0x1A"'],
      ["\t0b1", 'expected a number (float32), got "\t0b1"'],
      ["0b1", 'expected a number (float32), got "0b1"'],
      ["0o7", 'expected a number (float32), got "0o7"'],
      ["  ", 'expected a number (float32), got "  "'],
      ["", 'expected a number (float32), got ""'],
      ["Infinity", 'expected a number (float32), got "Infinity"'],
      ["1e999", 'expected a finite number, got "1e999"'],
      ["1_000", 'expected a number (float32), got "1_000"'],
    ];
    for (const [cell, reason] of cells) {
      const packed = pack([
        ["1", "1", "web", "true"],
        [cell, "1", "web", "true"],
        ["3", "1", "web", "true"],
      ]);
      expect(packed.errors, cell).toEqual([null, `"amount": ${reason}`, null]);
      expect(Array.from(feedsFromBatch(packed.batch).amount!.data as Float32Array), cell).toEqual([1, 3]);
    }
    const packed = pack([
      ["1", "2.5", "web", "true"],
      ["1", "1", "web", "yes"],
      ["1", "1"],
      ["-4", "9007199254740993", "web", "1"],
      ["1e3", "-2", "", "false"],
    ]);
    expect(packed.errors).toEqual([
      '"items": expected an integer, got "2.5"',
      '"first": expected true/false, got "yes"',
      'the row has no "channel" cell',
      '"items": expected an integer, got "9007199254740993"',
      null,
    ]);
    expect(packed.failed).toBe(4);
    const feeds = feedsFromBatch(packed.batch);
    expect(packed.batch.rowCount).toBe(1);
    expect(Array.from(feeds.amount!.data as Float32Array)).toEqual([1000]);
    expect(Array.from(feeds.items!.data as BigInt64Array)).toEqual([-2n]);
    expect(feeds.channel!.data).toEqual([""]);
  });

  it("accepts the numbers CSV_NUMBER accepts, however written", () => {
    const cells = ["+1", "-0", ".5", "5.", "1E3", "1e-3", " 2 ", "0", "00012"];
    const packed = pack(cells.map((cell) => [cell, "1", "web", "true"]));
    expect(packed.failed).toBe(0);
    expect(Array.from(feedsFromBatch(packed.batch).amount!.data as Float32Array)).toEqual(
      cells.map((cell) => Math.fround(Number(cell))),
    );
  });
});

describe("outputCells", () => {
  it("writes a scalar as String() does, a wider output as a quoted JSON array, and int64 as numbers", () => {
    const outputs: WireFeeds = {
      probability: { type: "float32", data: new Float32Array([0.25, 0.1]), dims: [2, 1] },
      scores: { type: "float32", data: new Float32Array([0.5, 0.5, 1, 0]), dims: [2, 2] },
      label: { type: "int64", data: new BigInt64Array([1n, 0n]), dims: [2] },
    };
    const specs: TensorSpec[] = [
      { name: "probability", type: "float32" },
      { name: "scores", type: "float32" },
      { name: "label", type: "int64" },
    ];
    expect(outputCells(outputs, specs, 2)).toEqual([
      ["0.25", String(Math.fround(0.1))],
      ['"[0.5,0.5]"', '"[1,0]"'],
      ["1", "0"],
    ]);
    const odd: WireFeeds = { probability: { type: "float32", data: new Float32Array([NaN, Infinity]), dims: [2] } };
    expect(outputCells(odd, [specs[0]!], 2)).toEqual([["", ""]]);
    expect(() => outputCells(outputs, [{ name: "missing", type: "float32" }], 2)).toThrow(/did not produce/);
    expect(() => outputCells(outputs, specs, 3)).toThrow(/values for 3 rows/);
  });
});

describe("sliceBatch", () => {
  it("cuts rows out of every column", () => {
    const packed = pack([
      ["1", "1", "a", "true"],
      ["2", "2", "b", "false"],
      ["3", "3", "c", "true"],
    ]);
    const feeds = feedsFromBatch(sliceBatch(packed.batch, 1, 3));
    expect(Array.from(feeds.amount!.data as Float32Array)).toEqual([2, 3]);
    expect(Array.from(feeds.items!.data as BigInt64Array)).toEqual([2n, 3n]);
    expect(feeds.channel!.data).toEqual(["b", "c"]);
    expect(Array.from(feeds.first!.data as Uint8Array)).toEqual([0, 1]);
  });
});

describe("csvBodyRecords", () => {
  it("drops a byte order mark opening a whole file; in a fragment of one, a line holding one is still a record", () => {
    const body = new Uint8Array([0xef, 0xbb, 0xbf, 0x0a, 0x61, 0x2c, 0x62, 0x0a]);
    expect(csvBodyRecords(body)).toEqual([["a", "b"]]);
    // A batch job's worker counted that line as a record (csv-record-batches.ts): the runtime answers a line for it.
    expect(csvBodyRecords(body, false)).toHaveLength(2);
  });

  it("reads records as RFC 4180 writes them and refuses a malformed body with 400", () => {
    expect(csvBodyRecords(new TextEncoder().encode('a,"b,c"\r\n\n"d\ne",f'))).toEqual([
      ["a", "b,c"],
      ["d\ne", "f"],
    ]);
    expect(() => csvBodyRecords(new TextEncoder().encode('a,"b\n'))).toThrow(
      expect.objectContaining({ status: 400 }) as Error,
    );
  });
});
