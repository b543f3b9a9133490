import { describe, expect, it } from "vitest";
import { RuntimeError } from "@/runtime/errors";
import { outputsToPredictions, rowsToFeeds } from "@/runtime/inference/tensors";
import { tabularSignatureProblem } from "@/contracts/runtime-control";
import { validateRows } from "@/runtime/serving/signature-validation";
import type { TensorSpec } from "@/contracts/signature";

const inputs: TensorSpec[] = [
  { name: "amount", type: "float32", shape: [-1, 1] },
  { name: "count", type: "int64", shape: [-1] },
  { name: "online", type: "bool" },
  { name: "country", type: "string", shape: [null, 1] },
];

function failure(rows: unknown[]) {
  try {
    validateRows(rows, inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(RuntimeError);
    return {
      status: (error as RuntimeError).status,
      message: (error as RuntimeError).message,
      details: (error as RuntimeError).details,
    };
  }
  throw new Error("expected the rows to be rejected");
}

const good = { amount: 12.5, count: 3, online: true, country: "BR", extra: "ignored" };

describe("validateRows", () => {
  it("converts good rows to values in signature order", () => {
    expect(validateRows([good], inputs)).toEqual([[12.5, 3n, true, "BR"]]);
  });

  it("names the row and the field that is missing", () => {
    const { status, message, details } = failure(
      [good, { ...good, count: undefined, amount: 1 }].map((r, i) =>
        i === 1 ? { amount: 1, online: false, country: "x" } : r,
      ),
    );
    expect(status).toBe(400);
    expect(message).toBe('Row 1: missing field "count" (int64)');
    expect(details).toEqual({ rowIndex: 1, field: "count" });
  });

  it.each([
    [{ ...good, amount: "12" }, "amount", /finite number, got a string/],
    [{ ...good, amount: null }, "amount", /finite number, got null/],
    [{ ...good, count: 1.5 }, "count", /must be an integer, got 1.5/],
    [{ ...good, online: 1 }, "online", /true or false/],
    [{ ...good, country: 7 }, "country", /must be a string/],
  ])("rejects a wrong type: %j", (row, field, pattern) => {
    const { details, message } = failure([good, good, row]);
    expect(details).toEqual({ rowIndex: 2, field });
    expect(message).toMatch(pattern);
  });

  it("rejects non-finite numbers (as they arrive from a parsed body, e.g. a number too large for a double)", () => {
    const { message } = failure([{ ...good, amount: JSON.parse("1e999") }]);
    expect(message).toBe('Row 0: field "amount" must be a finite number, got Infinity');
  });

  it("rejects rows that are not objects", () => {
    expect(failure([[1, 2]]).message).toBe("Row 0 must be an object of feature values");
  });
});

describe("tabularSignatureProblem", () => {
  it("accepts one value per row and refuses wider inputs", () => {
    expect(tabularSignatureProblem({ inputs, outputs: inputs })).toBeUndefined();
    expect(
      tabularSignatureProblem({
        inputs: [{ name: "image", type: "float32", shape: [-1, 3, 224, 224] }],
        outputs: inputs,
      }),
    ).toMatch(/image/);
  });
});

describe("tensors", () => {
  it("builds one column tensor per input and splits outputs back per row", () => {
    const rows = validateRows([good, { ...good, amount: 2, count: 4, online: false }], inputs);
    const feeds = rowsToFeeds(rows, inputs);
    expect(feeds.amount).toEqual({ type: "float32", data: Float32Array.from([12.5, 2]), dims: [2, 1] });
    expect(feeds.count).toEqual({ type: "int64", data: BigInt64Array.from([3n, 4n]), dims: [2] });
    expect(feeds.online?.data).toEqual(Uint8Array.from([1, 0]));
    const predictions = outputsToPredictions(
      {
        probability: { type: "float32", data: Float32Array.from([0.25, 0.5]), dims: [2, 1] },
        label: { type: "int64", data: BigInt64Array.from([0n, 1n]), dims: [2] },
      },
      [
        { name: "probability", type: "float32" },
        { name: "label", type: "int64" },
      ],
      2,
    );
    expect(predictions).toEqual([
      { probability: 0.25, label: 0 },
      { probability: 0.5, label: 1 },
    ]);
  });
});
