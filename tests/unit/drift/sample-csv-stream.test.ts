import { describe, expect, it } from "vitest";
import { parseSampleCsv, readSampleCsv } from "@/server/services/drift/sample-csv";

/** The bytes of `text` as a stream of pieces `size` bytes long (splitting multi-byte characters too). */
function streamOf(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

const SAMPLES = [
  'amount,country,label\n12.5,DE,1\n-3e2,"F,R",0\r\n.5,"say ""hi""",1\n',
  "\ufeffa,b\n1,2\n\n3,4",
  'a,b\r\n"x\r\ny",2\r\n"",""\r\n',
  "name,city\nZoë,Kraków\n😀,東京\n",
  'q\n"""quoted"""\n""""\n',
];

describe("readSampleCsv", () => {
  it("reads exactly what parseSampleCsv reads, however the bytes are split", async () => {
    for (const sample of SAMPLES) {
      const expected = parseSampleCsv(sample.replace(/^\ufeff/, ""));
      for (const size of [1, 2, 3, 5, 7, 64]) {
        expect(await readSampleCsv(streamOf(sample, size), { maxBytes: 1 << 20 }), `${sample} by ${size}`).toEqual(
          expected,
        );
      }
    }
  });

  it("keeps only the columns asked for, still checking every row's field count", async () => {
    const csv = "a,b,c\n1,x,2\n3,y,4\n";
    expect(await readSampleCsv(streamOf(csv, 4), { keep: new Set(["c", "a"]), maxBytes: 1024 })).toEqual({
      columns: { a: ["1", "3"], c: ["2", "4"] },
      rowCount: 2,
    });
    await expect(readSampleCsv(streamOf("a,b\n1,2\n3\n", 2), { keep: new Set(["a"]), maxBytes: 1024 })).rejects.toThrow(
      /row 2 has 1 fields, the header has 2/,
    );
  });

  it("refuses more rows than maxRows and more bytes than maxBytes with a 413", async () => {
    const csv = ["x", ...Array.from({ length: 11 }, (_, i) => String(i))].join("\n");
    expect((await readSampleCsv(streamOf(csv, 3), { maxRows: 11, maxBytes: 1024 })).rowCount).toBe(11);
    await expect(readSampleCsv(streamOf(csv, 3), { maxRows: 10, maxBytes: 1024 })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      details: { code: "REFERENCE_SAMPLE_TOO_LARGE", maxRows: 10 },
    });
    await expect(readSampleCsv(streamOf(csv, 3), { maxBytes: 10 })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      details: { code: "REFERENCE_SAMPLE_TOO_LARGE", maxBytes: 10 },
    });
  });

  it("refuses an unclosed quote and an empty sample as parseSampleCsv does", async () => {
    await expect(readSampleCsv(streamOf('a\n"1\n', 1), { maxBytes: 1024 })).rejects.toThrow(/not closed/);
    await expect(readSampleCsv(streamOf("", 1), { maxBytes: 1024 })).rejects.toThrow(/empty/);
  });
});
