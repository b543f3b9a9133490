import { describe, expect, it } from "vitest";
import {
  CsvByteRecords,
  csvField,
  csvLine,
  CsvSyntaxError,
  splitCsvRecord,
  type CsvRecord,
} from "@/lib/csv/csv-byte-records";

// Invariants of the byte CSV reader (a batch job stops after any record and resumes at its endOffset):
// 1. Records and their end offsets do not depend on how the bytes are chunked (any split point, even inside a UTF-8
//    character or between CR and LF).
// 2. A record's endOffset is the byte just after its line end; the last one equals the input's length.
// 3. Reading from any record's endOffset gives exactly the records after it.
// 4. A quoted field keeps its commas, doubled quotes and line ends; LF and CRLF end records the same way.
// 5. A stray quote inside an unquoted field is text: it never joins the lines that follow into one record.
// 6. Bad input is refused (CsvSyntaxError), never guessed: an unclosed quote, bytes that are not UTF-8.
// 7. csvLine writes what splitCsvRecord reads back.

const encode = (text: string) => new TextEncoder().encode(text);

function readAll(bytes: Uint8Array, chunkSizes: number[] = [bytes.length], start = 0): CsvRecord[] {
  const reader = new CsvByteRecords(start);
  const records: CsvRecord[] = [];
  let at = start;
  let i = 0;
  while (at < bytes.length) {
    const size = Math.max(1, chunkSizes[i++ % chunkSizes.length]!);
    records.push(...reader.push(bytes.subarray(at, at + size)));
    at += size;
  }
  records.push(...reader.end());
  return records;
}

const fieldsOf = (records: CsvRecord[]) => records.map((r) => r.fields);

const SAMPLE = '\uFEFFid,name,note\r\n1,"Zoë, Ł",plain\n2,"say ""hi""","two\nlines"\r\n\n3,日本語,€\n4,,"x"';

describe("CsvByteRecords", () => {
  it("splits LF and CRLF records and gives each the offset just after its line end", () => {
    const bytes = encode("a,b\nc,d\r\ne,f");
    expect(readAll(bytes)).toEqual([
      { fields: ["a", "b"], endOffset: 4 },
      { fields: ["c", "d"], endOffset: 9 },
      { fields: ["e", "f"], endOffset: 12 },
    ]);
  });

  it("keeps commas, doubled quotes and line ends inside quoted fields, and skips empty lines", () => {
    expect(fieldsOf(readAll(encode(SAMPLE)))).toEqual([
      ["id", "name", "note"],
      ["1", "Zoë, Ł", "plain"],
      ["2", 'say "hi"', "two\nlines"],
      ["3", "日本語", "€"],
      ["4", "", "x"],
    ]);
  });

  it("drops a byte order mark at offset 0 but counts its bytes", () => {
    const [header] = readAll(encode("\uFEFFa,b\n1,2\n"));
    expect(header).toEqual({ fields: ["a", "b"], endOffset: 3 + 4 });
    // Also when the first chunk ends inside it.
    for (const size of [1, 2]) expect(readAll(encode("\uFEFFa,b\n1,2\n"), [size])[0]).toEqual(header);
  });

  it("gives the same records for every split into two chunks and for every chunk size", () => {
    const bytes = encode(SAMPLE);
    const expected = readAll(bytes);
    expect(expected.at(-1)!.endOffset).toBe(bytes.length);
    for (let split = 0; split <= bytes.length; split++) {
      const records = readAll(bytes, [split, bytes.length]);
      if (JSON.stringify(records) !== JSON.stringify(expected)) expect({ split, records }).toEqual({ split, expected });
    }
    for (let size = 1; size <= 7; size++) expect(readAll(bytes, [size])).toEqual(expected);
    expect(readAll(bytes, [1, 3, 2, 5])).toEqual(expected);
  });

  it("does not cut a multibyte character split across chunks (2, 3 and 4 bytes)", () => {
    const bytes = encode("k,v\n1,é\n2,€\n3,𝄞\n");
    const expected = [
      ["k", "v"],
      ["1", "é"],
      ["2", "€"],
      ["3", "𝄞"],
    ];
    for (let size = 1; size <= 4; size++) expect(fieldsOf(readAll(bytes, [size]))).toEqual(expected);
  });

  it("resumes from any record's endOffset with exactly the remaining records", () => {
    const bytes = encode(SAMPLE);
    const all = readAll(bytes);
    all.forEach((record, i) => {
      for (const size of [1, 4, bytes.length])
        expect(readAll(bytes, [size], record.endOffset)).toEqual(all.slice(i + 1));
    });
  });

  it("does not let a stray quote in an unquoted field swallow the lines after it", () => {
    const bytes = encode('id,size\n1,12" screen\n2,15" screen\n3,ok\n');
    const expected = [
      ["id", "size"],
      ["1", '12" screen'],
      ["2", '15" screen'],
      ["3", "ok"],
    ];
    expect(fieldsOf(readAll(bytes))).toEqual(expected);
    expect(fieldsOf(readAll(encode('a,b"\nc,d\n')))).toEqual([
      ["a", 'b"'],
      ["c", "d"],
    ]);
    for (let size = 1; size <= 3; size++) expect(fieldsOf(readAll(bytes, [size]))).toEqual(expected);
  });

  it("refuses an unclosed quote at the end of the input", () => {
    expect(() => readAll(encode('a,b\n1,"open\n2,3\n'))).toThrow(CsvSyntaxError);
  });

  it("refuses bytes that are not UTF-8, naming where the record ends", () => {
    const bytes = new Uint8Array([...encode("a,b\n1,"), 0xff, 0xfe, 0x0a, ...encode("2,3\n")]);
    expect(() => readAll(bytes)).toThrow(/ending at byte 9 is not UTF-8/);
    // A character cut off at the end of the input.
    expect(() => readAll(new Uint8Array([...encode("a,"), 0xe2, 0x82]))).toThrow(CsvSyntaxError);
  });
});

describe("splitCsvRecord, csvField and csvLine", () => {
  it("splits plain and quoted fields", () => {
    expect(splitCsvRecord("a,,b")).toEqual(["a", "", "b"]);
    expect(splitCsvRecord('"a,b","c""d",""')).toEqual(["a,b", 'c"d', ""]);
    expect(splitCsvRecord("")).toEqual([""]);
    expect(() => splitCsvRecord('"open,x')).toThrow(CsvSyntaxError);
  });

  it("quotes only fields that need it", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\r")).toBe('"cr\r"');
  });

  it("round-trips any fields through csvLine, splitCsvRecord and the byte reader", () => {
    const rows = [["a", "b,c", '"', '""', "", "x\ny", "é€𝄞", " spaced ", "end\r\n"], ["", ""], [","]];
    for (const row of rows) {
      const line = csvLine(row);
      expect(line.endsWith("\n")).toBe(true);
      expect(splitCsvRecord(line.slice(0, -1))).toEqual(row);
    }
    const bytes = encode(rows.map(csvLine).join(""));
    for (const size of [1, 2, 5, bytes.length]) expect(fieldsOf(readAll(bytes, [size]))).toEqual(rows);
  });
});
