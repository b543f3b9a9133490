import { describe, expect, it } from "vitest";
import type { Signature } from "@/contracts/signature";
import { predictionsFromCsv, rowsAsCsv } from "@/server/services/endpoints/predict-on-components";

const SIGNATURE: Signature = {
  inputs: [
    { name: "amount", type: "float32", shape: [-1, 1] },
    { name: "merchant", type: "string", shape: [-1, 1] },
    { name: "online", type: "bool", shape: [-1, 1] },
  ],
  outputs: [
    { name: "label", type: "int64", shape: [-1] },
    { name: "probabilities", type: "float32", shape: [-1, 2] },
  ],
};
const bytes = (text: string) => new TextEncoder().encode(text);

describe("predictions on SageMaker components: the CSV both ways", () => {
  it("writes one record per row, the signature's inputs in order, quoting texts as RFC 4180 says", () => {
    const csv = rowsAsCsv(SIGNATURE, [
      { online: true, merchant: "Books, Inc.", amount: 12.5, ignored: 1 },
      { amount: 0, merchant: 'say "hi"\nthere', online: false },
    ]);
    expect(csv).toBe('12.5,"Books, Inc.",true\n0,"say ""hi""\nthere",false\n');
  });

  it("refuses a missing input or a value CSV cannot carry, naming the field and row", () => {
    const refusal = (rows: Record<string, unknown>[]) => {
      try {
        rowsAsCsv(SIGNATURE, rows);
        return undefined;
      } catch (error) {
        return error;
      }
    };
    expect(
      refusal([
        { amount: 1, merchant: "a", online: true },
        { amount: 1, online: true },
      ]),
    ).toMatchObject({
      code: "BAD_REQUEST",
      details: { field: "merchant", rowIndex: 1 },
    });
    expect(refusal([{ amount: Number.NaN, merchant: "a", online: true }])).toMatchObject({
      details: { field: "amount", rowIndex: 0 },
    });
    expect(refusal([{ amount: { nested: 1 }, merchant: "a", online: true }])).toMatchObject({ code: "BAD_REQUEST" });
  });

  it("reads the serving image's answer lines by output name: a scalar cell, a wider output as a JSON array", () => {
    const answer = bytes('1,"[0.25,0.75]"\r\n0,"[0.9,0.1]"\n');
    expect(predictionsFromCsv(SIGNATURE, answer, 2)).toEqual([
      { label: 1, probabilities: [0.25, 0.75] },
      { label: 0, probabilities: [0.9, 0.1] },
    ]);
    const texts: Signature = { ...SIGNATURE, outputs: [{ name: "reason", type: "string", shape: [-1] }] };
    expect(predictionsFromCsv(texts, bytes('"a, b"\n"two\nlines"\n'), 2)).toEqual([
      { reason: "a, b" },
      { reason: "two\nlines" },
    ]);
  });

  it("an answer that is not one line per row in the signature's shape is SageMaker's fault (503), never a guess", () => {
    for (const [answer, rows] of [
      ['1,"[0.25,0.75]"\n', 2],
      ["1,0.25,0.75\n", 1],
      ['x,"[0.25,0.75]"\n', 1],
      ['1,"[0.25,"\n', 1],
    ] as const)
      expect(() => predictionsFromCsv(SIGNATURE, bytes(answer), rows)).toThrow(
        expect.objectContaining({ code: "UNAVAILABLE" }),
      );
  });
});
