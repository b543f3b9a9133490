import { describe, expect, it } from "vitest";
import {
  parseCsvFilter,
  selectColumns,
  splitCsvLine,
  unquoteCsvField,
} from "@/server/integrations/sagemaker/csv-filter";

const columns = (expression: string, length: number) => selectColumns(parseCsvFilter(expression), length);

describe("CSV column filters (SageMaker's index-only JSONPath for CSV)", () => {
  it.each([
    ["$", 4, [0, 1, 2, 3]],
    ["$[1:]", 4, [1, 2, 3]],
    ["$[:1]", 4, [0, 1]],
    ["$[1:2]", 4, [1, 2]],
    ["$[0,-1]", 4, [0, 3]],
    ["$[0, 2:]", 5, [0, 2, 3, 4]],
    ["$[-2:]", 4, [2, 3]],
    ["$[3]", 4, [3]],
  ] as [string, number, number[]][])(
    "%s over %i columns keeps %j (slices include both bounds, as documented)",
    (expression, length, expected) => {
      expect(columns(expression, length)).toEqual(expected);
    },
  );

  it("names no column a row lacks", () => {
    expect(columns("$[4]", 4)).toBeUndefined();
    expect(columns("$[-5]", 4)).toBeUndefined();
  });

  it.each(["$.features", "$['id','SageMakerOutput']", "$[*]", "$[1:2:3]", "$[]", "[1]", "$[a]"])(
    "refuses %s, which is not an index-based path",
    (expression) => {
      expect(() => parseCsvFilter(expression)).toThrow(/not a CSV column filter/);
    },
  );

  it("refuses more than 63 characters", () => {
    expect(() => parseCsvFilter(`$[${"1,".repeat(31)}1]`)).toThrow(/63 characters/);
  });
});

describe("CSV lines", () => {
  it("splits on commas outside quotes, keeping each field as written", () => {
    expect(splitCsvLine('"K,1",2.5,"say ""hi""",')).toEqual(['"K,1"', "2.5", '"say ""hi"""', ""]);
    expect(unquoteCsvField('"say ""hi"""')).toBe('say "hi"');
    expect(unquoteCsvField(" 7 ")).toBe("7");
  });
});
