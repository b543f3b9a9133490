import { describe, expect, it } from "vitest";
import {
  decodeFailedSamples,
  encodeFailedSamples,
  invocationHeaders,
  invocationOptionsSchema,
  INVOCATION_HEADERS,
  MAX_SAMPLES_HEADER_BYTES,
} from "@/contracts/runtime-invocations";

describe("the CSV invocation protocol's headers", () => {
  it("carry the options both ways", () => {
    const options = { inputColumns: [3, 1, 2], echoColumns: [0], firstRow: 2001, rowErrors: "column" as const };
    const headers = invocationHeaders(options);
    expect(headers).toEqual({
      [INVOCATION_HEADERS.inputColumns]: "3,1,2",
      [INVOCATION_HEADERS.echoColumns]: "0",
      [INVOCATION_HEADERS.firstRow]: "2001",
      [INVOCATION_HEADERS.rowErrors]: "column",
    });
    const back = Object.fromEntries(Object.entries(INVOCATION_HEADERS).map(([key, header]) => [key, headers[header]]));
    expect(invocationOptionsSchema.parse(back)).toEqual(options);
    expect(invocationHeaders({})).toEqual({});
  });

  it("write runs of columns as ranges, and read them back", () => {
    const wide = Array.from({ length: 5000 }, (_, i) => i + 2);
    const headers = invocationHeaders({ inputColumns: [0, 9, ...wide, 7], echoColumns: [4, 5] });
    expect(headers[INVOCATION_HEADERS.inputColumns]).toBe("0,9,2-5001,7");
    expect(headers[INVOCATION_HEADERS.echoColumns]).toBe("4,5");
    expect(invocationOptionsSchema.parse({ inputColumns: "0,9,2-5001,7" }).inputColumns).toEqual([0, 9, ...wide, 7]);
    for (const inputColumns of ["5-3", "0-1000000", "1--2", "-", "3-"])
      expect(invocationOptionsSchema.safeParse({ inputColumns }).success, inputColumns).toBe(false);
  });

  it("refuse lists and numbers that are not plain column indexes and row numbers", () => {
    for (const inputColumns of ["", "1,", ",1", "-1", "1.5", "1, 2", "a", "12345678"])
      expect(invocationOptionsSchema.safeParse({ inputColumns }).success, inputColumns).toBe(false);
    for (const firstRow of ["", "-1", "1e3", "1234567890123456"])
      expect(invocationOptionsSchema.safeParse({ firstRow }).success, firstRow).toBe(false);
    expect(invocationOptionsSchema.safeParse({ rowErrors: "inline" }).success).toBe(false);
  });

  it("send failed samples as a header value in printable ASCII, read back as they were", () => {
    const samples = [
      { rowIndex: 0, message: 'got "é\n€😀"' },
      { rowIndex: 7, message: "plain" },
    ];
    const header = encodeFailedSamples(samples);
    expect(header).toMatch(/^[\x20-\x7e]*$/);
    expect(decodeFailedSamples(header)).toEqual(samples);
    expect(decodeFailedSamples(null)).toEqual([]);
    expect(decodeFailedSamples("not json")).toEqual([]);
    expect(decodeFailedSamples('[{"rowIndex":-1,"message":"x"}]')).toEqual([]);
    // Ten long messages of non-ASCII text: as many as fit in the header's budget, each whole.
    const wide = Array.from({ length: 10 }, (_, rowIndex) => ({ rowIndex, message: "数".repeat(300) }));
    const bounded = encodeFailedSamples(wide);
    expect(bounded.length).toBeLessThanOrEqual(MAX_SAMPLES_HEADER_BYTES);
    expect(decodeFailedSamples(bounded)).toEqual(wide.slice(0, decodeFailedSamples(bounded).length));
    expect(decodeFailedSamples(bounded).length).toBeGreaterThanOrEqual(2);
  });
});
