import { describe, expect, it } from "vitest";
import { parseRunFilter } from "@/server/services/experiments/run-filter";
import { compileRunFilter } from "@/server/services/experiments/run-filter-sql";
import { parseRunSort } from "@/server/services/experiments/run-sort";

const compile = (filter: string) => compileRunFilter(parseRunFilter(filter));

describe("compileRunFilter", () => {
  it("matches everything without conditions", () => {
    expect(compile("").sql).toBe("TRUE");
  });

  it("passes every user-supplied key and value as a bind parameter", () => {
    const hostile = `x"; DROP TABLE "Run"; --`;
    const sql = compile(
      `metrics.\`${hostile}\` > 1 and params.\`${hostile}\` = '${hostile.replace(/"/g, '\\"')}' and tags.\`${hostile}\` = "v" and attributes.name != "${hostile.replace(/"/g, '\\"')}"`,
    );
    expect(sql.sql).not.toContain("DROP TABLE");
    expect(sql.values.filter((v) => v === hostile).length).toBe(5);
  });

  it("maps operators from a fixed table, != becoming <>", () => {
    expect(compile("metrics.a != 1").sql).toContain(`fm."lastValue" <> ?::float8`);
    expect(compile("metrics.a >= 1").sql).toContain(`fm."lastValue" >= ?::float8`);
  });

  it("compares numeric params by the number stored beside the text (null when the text is not a number)", () => {
    const sql = compile("params.depth > 5");
    expect(sql.sql).toContain(`fp."numericValue" > ?::numeric`);
    expect(sql.values).toContain(5);
    expect(compile("params.opt = 'adam'").sql).toContain(`fp."value" = ?`);
  });

  it("joins terms with AND", () => {
    const sql = compile("metrics.a > 1 and tags.t = 'x' and attributes.status = 'failed'");
    expect(sql.sql.split(" AND (").length).toBe(3);
    expect(sql.values).toContain("FAILED");
  });

  it("treats a run without a gitCommit as different from any commit", () => {
    expect(compile("attributes.gitCommit != 'abc'").sql).toContain("IS DISTINCT FROM");
  });

  it("matches the user by name or email for equality", () => {
    expect(compile("attributes.user = 'ann@example.test'").sql).toContain(`fu."name" = ? OR fu."email" = ?`);
    expect(compile("attributes.user != 'ann'").sql).toMatch(/^\(NOT EXISTS/);
  });
});

describe("parseRunSort", () => {
  it("defaults to the start time", () => {
    expect(parseRunSort(undefined)).toEqual({ kind: "attribute", attribute: "startTime" });
  });

  it("reads attributes with or without a prefix, in any case", () => {
    expect(parseRunSort("duration")).toEqual({ kind: "attribute", attribute: "duration" });
    expect(parseRunSort("attributes.NAME")).toEqual({ kind: "attribute", attribute: "name" });
  });

  it("reads metric and param keys, quoted or not", () => {
    expect(parseRunSort("metrics.val/loss")).toEqual({ kind: "metric", key: "val/loss" });
    expect(parseRunSort("params.`max depth`")).toEqual({ kind: "param", key: "max depth" });
    expect(parseRunSort("metrics.a.b")).toEqual({ kind: "metric", key: "a.b" });
  });

  it("rejects anything else with the choices", () => {
    expect(() => parseRunSort("color")).toThrow(/Cannot sort by "color": use one of name, status, startTime/);
    expect(() => parseRunSort("metrics.")).toThrow(/Cannot sort by "metrics\."/);
  });
});
