import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "@/cli/errors";
import { describeLineErrors, detectMetricsFormat, parseMetricsLine } from "@/cli/metrics-file";
import { readMetricPoints, validateMetricsFile } from "@/cli/metrics-file-reader";

describe("parseMetricsLine (JSON lines)", () => {
  it("reads key, value, step and an optional timestamp", () => {
    expect(parseMetricsLine('{"key":"loss","value":0.5,"step":3}', "jsonl")).toEqual({
      kind: "point",
      point: { key: "loss", value: 0.5, step: 3 },
    });
    expect(
      parseMetricsLine('{"key":"auc","value":1,"step":0,"timestamp":1700000000000,"extra":true}', "jsonl"),
    ).toEqual({
      kind: "point",
      point: { key: "auc", value: 1, step: 0, timestamp: 1700000000000 },
    });
  });

  it("explains what is wrong with a bad line", () => {
    const message = (line: string) => {
      const parsed = parseMetricsLine(line, "jsonl");
      return parsed.kind === "error" ? parsed.message : parsed.kind;
    };
    expect(message("{not json")).toBe("not valid JSON");
    expect(message("[1,2]")).toMatch(/expected an object/);
    expect(message('{"value":1,"step":1}')).toBe("missing metric key");
    expect(message('{"key":"a","value":"1","step":1}')).toBe('value "1" is not a finite number');
    expect(message('{"key":"a","step":1}')).toBe("value (missing) is not a finite number");
    expect(message('{"key":"a","value":1,"step":1.5}')).toBe("step 1.5 is not a non-negative integer");
    expect(message('{"key":"a","value":1,"step":-1}')).toBe("step -1 is not a non-negative integer");
    expect(message('{"key":"a","value":1,"step":1,"timestamp":"yesterday"}')).toBe(
      "timestamp yesterday is not milliseconds since the epoch",
    );
  });

  it("skips blank lines", () => {
    expect(parseMetricsLine("   ", "jsonl")).toEqual({ kind: "skip" });
  });
});

describe("parseMetricsLine (CSV)", () => {
  it("reads key,value,step[,timestamp] and skips a header", () => {
    expect(parseMetricsLine("key,value,step,timestamp", "csv")).toEqual({ kind: "skip" });
    expect(parseMetricsLine(" loss , 0.25 , 7 ", "csv")).toEqual({
      kind: "point",
      point: { key: "loss", value: 0.25, step: 7 },
    });
    expect(parseMetricsLine("loss,0.25,7,1700000000000", "csv")).toEqual({
      kind: "point",
      point: { key: "loss", value: 0.25, step: 7, timestamp: 1700000000000 },
    });
  });

  it("rejects the wrong number of fields and bad numbers", () => {
    expect(parseMetricsLine("loss,0.25", "csv")).toEqual({
      kind: "error",
      message: "expected key,value,step[,timestamp] but found 2 fields",
    });
    expect(parseMetricsLine("loss,NaN,1", "csv")).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/NaN is not a finite number/),
    });
    expect(parseMetricsLine("loss,1,x", "csv")).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/step x/),
    });
    expect(parseMetricsLine("loss,1,1,1.5", "csv")).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/timestamp 1.5/),
    });
  });
});

describe("detectMetricsFormat", () => {
  it("uses the extension, else the first line", () => {
    expect(detectMetricsFormat("m.JSONL", "loss,1,1")).toBe("jsonl");
    expect(detectMetricsFormat("m.csv", '{"key":1}')).toBe("csv");
    expect(detectMetricsFormat("metrics.txt", '  {"key":"a"}')).toBe("jsonl");
    expect(detectMetricsFormat("metrics.txt", "key,value,step")).toBe("csv");
    expect(detectMetricsFormat("metrics", undefined)).toBe("csv");
  });
});

describe("describeLineErrors", () => {
  it("lists line numbers and caps the list", () => {
    const errors = Array.from({ length: 25 }, (_, i) => ({ line: i + 1, message: "bad" }));
    const text = describeLineErrors("m.csv", errors, 40, 3);
    expect(text.split("\n")).toEqual([
      "m.csv: 40 bad lines, nothing was sent",
      "  line 1: bad",
      "  line 2: bad",
      "  line 3: bad",
      "  …and 37 more",
    ]);
  });
});

describe("validateMetricsFile and readMetricPoints", () => {
  async function fileWith(name: string, content: string) {
    const dir = await mkdtemp(join(tmpdir(), "modelport-cli-"));
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  it("counts and streams the points of a valid file", async () => {
    const path = await fileWith("m.csv", "key,value,step\r\nloss,1,0\r\n\r\nloss,0.5,1\r\nauc,0.9,1\r\n");
    const file = await validateMetricsFile(path);
    expect(file).toMatchObject({ format: "csv", pointCount: 3 });
    const points = [];
    for await (const point of readMetricPoints(file)) points.push(point);
    expect(points).toEqual([
      { key: "loss", value: 1, step: 0 },
      { key: "loss", value: 0.5, step: 1 },
      { key: "auc", value: 0.9, step: 1 },
    ]);
  });

  it("reports every bad line with its line number", async () => {
    const path = await fileWith(
      "m.jsonl",
      [
        '{"key":"loss","value":1,"step":0}',
        "",
        '{"key":"loss","value":"x","step":1}',
        "oops",
        '{"key":"loss","value":1,"step":2}',
      ].join("\n"),
    );
    const failure = await validateMetricsFile(path).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UsageError);
    expect((failure as UsageError).message).toBe(
      [
        "m.jsonl: 2 bad lines, nothing was sent",
        '  line 3: value "x" is not a finite number',
        "  line 4: not valid JSON",
      ].join("\n"),
    );
  });

  it("names a missing file", async () => {
    await expect(validateMetricsFile("/nonexistent/metrics.csv")).rejects.toThrow(
      "Cannot read metrics file /nonexistent/metrics.csv",
    );
  });
});
