import { describe, expect, it } from "vitest";
import { CsvByteRecords, CsvSyntaxError } from "@/lib/csv/csv-byte-records";
import { CsvRecordBatches, type CsvRecordBatch } from "@/lib/csv/csv-record-batches";

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `data` in chunks cut at `cuts` (byte positions), then ends. */
function batchesOf(data: Uint8Array, batchSize: number, cuts: number[], startOffset = 0): CsvRecordBatch[] {
  const reader = new CsvRecordBatches(batchSize, startOffset);
  const batches: CsvRecordBatch[] = [];
  let from = 0;
  for (const cut of [...cuts, data.length]) {
    batches.push(...reader.push(data.subarray(from, cut)));
    from = cut;
  }
  return [...batches, ...reader.end()];
}

function recordsOf(data: Uint8Array) {
  const reader = new CsvByteRecords();
  return [...reader.push(data), ...reader.end()];
}

/** A random little PRNG, so a failing case can be replayed from its seed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const PIECES = [
  "a",
  "12.5",
  ",",
  ",",
  "\n",
  "\r\n",
  '"x,y"',
  '"say ""hi"""',
  '"two\nlines"',
  "é",
  "\n\n",
  "\r",
  ' "',
  '12" screen',
];

function randomCsv(next: () => number): string {
  let text = "";
  const length = Math.floor(next() * 60);
  for (let i = 0; i < length; i++) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

describe("CsvRecordBatches", () => {
  it("cuts whole records into batches, with their bytes untouched and where each ends", () => {
    const data = bytes('1,a\n2,b\r\n\n3,"c\nd"\n4,e\n5,f');
    const batches = batchesOf(data, 2, [5, 6, 13]);
    expect(batches.map((b) => [new TextDecoder().decode(b.bytes), b.rows, b.endOffset])).toEqual([
      ["1,a\n2,b\r\n", 2, 9],
      ['\n3,"c\nd"\n4,e\n', 2, 22],
      ["5,f", 1, 25],
    ]);
  });

  it("counts the records CsvByteRecords reads, however the bytes are chunked (random inputs)", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const next = random(seed);
      const text = randomCsv(next);
      const data = bytes(text);
      const cuts = [...new Set(Array.from({ length: 4 }, () => Math.floor(next() * data.length)))].sort(
        (a, b) => a - b,
      );
      let expected: ReturnType<typeof recordsOf>;
      try {
        expected = recordsOf(data);
      } catch (error) {
        expect(error, `seed ${seed}`).toBeInstanceOf(CsvSyntaxError);
        if ((error as Error).message.includes("not closed"))
          expect(() => batchesOf(data, 3, cuts), `seed ${seed}`).toThrow(CsvSyntaxError);
        continue;
      }
      const batches = batchesOf(data, 3, cuts, 100);
      expect(
        batches.reduce((sum, b) => sum + b.rows, 0),
        `seed ${seed}: ${JSON.stringify(text)}`,
      ).toBe(expected.length);
      // Each batch, read on its own, holds exactly its records; together they are the input, in order.
      const reread = batches.flatMap((b) => recordsOf(b.bytes).map((r) => r.fields));
      expect(reread, `seed ${seed}`).toEqual(expected.map((r) => r.fields));
      let at = 100;
      for (const batch of batches) {
        at += batch.bytes.length;
        expect(batch.endOffset, `seed ${seed}`).toBe(at);
      }
      expect(batches.slice(0, -1).every((b) => b.rows === 3)).toBe(true);
    }
  });

  it("closes a batch early once it holds its byte budget, whole records only", () => {
    const reader = new CsvRecordBatches(100, 0, 10);
    const data = bytes("aaaa\nbbbb\ncccccccccccccc\ndd\ne\n");
    const batches = [...reader.push(data.subarray(0, 7)), ...reader.push(data.subarray(7)), ...reader.end()];
    expect(batches.map((b) => [new TextDecoder().decode(b.bytes), b.rows])).toEqual([
      ["aaaa\nbbbb\n", 2],
      ["cccccccccccccc\n", 1],
      ["dd\ne\n", 2],
    ]);
  });

  it("refuses a quoted field left open at the end", () => {
    expect(() => batchesOf(bytes('1,"open\n2,b\n'), 10, [])).toThrow(/not closed/);
  });

  it("gives nothing for empty lines alone", () => {
    expect(batchesOf(bytes("\n\r\n\n"), 2, [1])).toEqual([]);
  });

  it("refuses a record longer than its limit as soon as it is, quoted or not, and keeps records up to it", () => {
    const limited = () => new CsvRecordBatches(100, 0, Infinity, 8);
    expect(() => limited().push(bytes("123456789"))).toThrow(/longer than 8 bytes/);
    const quoted = limited();
    expect(quoted.push(bytes('"ab\ncd'))).toEqual([]);
    expect(() => quoted.push(bytes("efgh"))).toThrow(/quote left open/);
    const fine = limited();
    expect(
      [...fine.push(bytes("12345678\n1234")), ...fine.push(bytes("5678\n")), ...fine.end()].map((b) => b.rows),
    ).toEqual([2]);
  });
});
