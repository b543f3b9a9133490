import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { MAX_FILTER_TERMS, parseRunFilter } from "@/server/services/experiments/run-filter";

function errorOf(filter: string): AppError {
  try {
    parseRunFilter(filter);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`Expected "${filter}" to be rejected`);
}

describe("parseRunFilter: valid filters", () => {
  it("treats an empty or blank filter as no condition", () => {
    expect(parseRunFilter(undefined)).toEqual([]);
    expect(parseRunFilter("")).toEqual([]);
    expect(parseRunFilter("   \n\t")).toEqual([]);
  });

  it("parses a metric comparison with every operator", () => {
    for (const op of ["=", "!=", "<", "<=", ">", ">="] as const) {
      expect(parseRunFilter(`metrics.auc ${op} 0.9`)).toEqual([{ entity: "metric", key: "auc", op, value: 0.9 }]);
    }
  });

  it("parses numbers in all their forms", () => {
    const values = ["1", "-1", "0.5", ".5", "-.5", "1.", "1e3", "1E-3", "-2.5e+2"].map(
      (n) => (parseRunFilter(`metrics.x > ${n}`)[0] as { value: number }).value,
    );
    expect(values).toEqual([1, -1, 0.5, 0.5, -0.5, 1, 1000, 0.001, -250]);
  });

  it("needs no spaces around operators", () => {
    expect(parseRunFilter("metrics.auc>=0.9")).toEqual([{ entity: "metric", key: "auc", op: ">=", value: 0.9 }]);
    expect(parseRunFilter("params.opt!='adam'")).toEqual([
      { entity: "param", key: "opt", op: "!=", value: { kind: "string", value: "adam" } },
    ]);
  });

  it("parses params compared to numbers or quoted strings", () => {
    expect(parseRunFilter('params.max_depth >= 6 and params.optimizer = "adam"')).toEqual([
      { entity: "param", key: "max_depth", op: ">=", value: { kind: "number", value: 6 } },
      { entity: "param", key: "optimizer", op: "=", value: { kind: "string", value: "adam" } },
    ]);
  });

  it("parses attributes, normalising the name's case and the status value", () => {
    expect(
      parseRunFilter('attributes.status = "finished" AND attributes.GITCOMMIT != "abc" and attributes.user = "ann"'),
    ).toEqual([
      { entity: "attribute", key: "status", op: "=", value: "FINISHED" },
      { entity: "attribute", key: "gitCommit", op: "!=", value: "abc" },
      { entity: "attribute", key: "user", op: "=", value: "ann" },
    ]);
    expect(parseRunFilter("attributes.name < 'm'")).toEqual([
      { entity: "attribute", key: "name", op: "<", value: "m" },
    ]);
  });

  it("parses tags with = and !=", () => {
    expect(parseRunFilter('tags.team = "search" and tags.env != "dev"')).toEqual([
      { entity: "tag", key: "team", op: "=", value: "search" },
      { entity: "tag", key: "env", op: "!=", value: "dev" },
    ]);
  });

  it("accepts singular prefixes and a case-insensitive AND", () => {
    expect(parseRunFilter("metric.a > 1 AnD param.b = 2 aNd tag.c = 'x' and attribute.name = 'n'")).toHaveLength(4);
  });

  it("reads bare keys with dots, slashes, dashes and colons", () => {
    expect(parseRunFilter("metrics.val/loss.epoch-1:avg < 0.3")).toEqual([
      { entity: "metric", key: "val/loss.epoch-1:avg", op: "<", value: 0.3 },
    ]);
  });

  it("reads backtick-quoted keys with any character", () => {
    expect(parseRunFilter("metrics.`f1 score (macro)` > 0.5 and params.`a and b` = 'x'")).toEqual([
      { entity: "metric", key: "f1 score (macro)", op: ">", value: 0.5 },
      { entity: "param", key: "a and b", op: "=", value: { kind: "string", value: "x" } },
    ]);
  });

  it("unescapes quotes and backslashes in strings", () => {
    expect(parseRunFilter(String.raw`tags.note = "say \"hi\" \\ bye"`)).toEqual([
      { entity: "tag", key: "note", op: "=", value: 'say "hi" \\ bye' },
    ]);
    expect(parseRunFilter(`tags.note = 'it"s'`)).toEqual([{ entity: "tag", key: "note", op: "=", value: 'it"s' }]);
  });

  it("keeps SQL-looking text as plain data", () => {
    expect(parseRunFilter(`params.x = "'; DROP TABLE \\"Run\\"; --"`)).toEqual([
      { entity: "param", key: "x", op: "=", value: { kind: "string", value: `'; DROP TABLE "Run"; --` } },
    ]);
  });

  it("allows surrounding whitespace and newlines", () => {
    expect(parseRunFilter("  metrics.a > 1\n  and\tmetrics.b < 2  ")).toHaveLength(2);
  });
});

describe("parseRunFilter: errors name the position and what was expected", () => {
  it("reports a missing operator with the example message", () => {
    const error = errorOf("metrics.auc");
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain('Expected an operator after "metrics.auc" at position 12');
    expect(errorOf("metrics.auc ~ 1").message).toContain(
      'Expected an operator after "metrics.auc" at position 13 (found "~")',
    );
    expect(errorOf("metrics.auc == 1").message).toMatch(
      /Expected a number after "metrics.auc =" at position 14 \(found "=/,
    );
  });

  it("reports an unknown field type", () => {
    expect(errorOf("metricz.auc > 1").message).toContain(
      'Unknown field type "metricz" at position 1: expected metrics, params, tags or attributes',
    );
  });

  it("reports a term that does not start with an identifier", () => {
    expect(errorOf("> 1").message).toContain("Expected an identifier like metrics.<key>");
    expect(errorOf("> 1").message).toContain('at position 1 (found ">")');
    expect(errorOf("(metrics.a > 1)").message).toContain('at position 1 (found "(metrics.a")');
  });

  it("reports a missing dot or key", () => {
    expect(errorOf("metrics > 1").message).toContain('Expected "." and a key after "metrics" at position 8');
    expect(errorOf("metrics. > 1").message).toContain('Expected a key after "metrics." at position 9');
    expect(errorOf("metrics.").message).toContain(
      'Expected a key after "metrics." at position 9, but the filter ended',
    );
  });

  it("reports backtick problems", () => {
    expect(errorOf("metrics.`f1 > 1").message).toContain("Unterminated backtick-quoted key starting at position 9");
    expect(errorOf("metrics.`` > 1").message).toContain('Empty key after "metrics." at position 9');
  });

  it("reports a missing or malformed number for metrics", () => {
    expect(errorOf("metrics.auc >").message).toContain(
      'Expected a number after "metrics.auc >" at position 14, but the filter ended',
    );
    expect(errorOf('metrics.auc > "0.9"').message).toContain(
      'Expected a number after "metrics.auc >" at position 15 (found ""0.9"")',
    );
    expect(errorOf("metrics.auc > 1.2.3").message).toContain('Invalid number "1.2.3" at position 15');
    expect(errorOf("metrics.auc > -").message).toContain('Invalid number "-" at position 15');
    expect(errorOf("metrics.auc > 1e").message).toContain('Invalid number "1e" at position 15');
    expect(errorOf("metrics.auc > 1e999").message).toContain('Invalid number "1e999"');
  });

  it("reports a param value that is neither a number nor a string", () => {
    expect(errorOf("params.opt = adam").message).toContain(
      'Expected a number or a quoted string after "params.opt =" at position 14 (found "adam")',
    );
  });

  it("reports an unquoted attribute or tag value", () => {
    expect(errorOf("attributes.name = run1").message).toContain(
      'Expected a quoted string after "attributes.name =" at position 19 (found "run1")',
    );
    expect(errorOf("tags.team = 3").message).toContain('Expected a quoted string after "tags.team =" at position 13');
  });

  it("reports unterminated strings", () => {
    expect(errorOf('tags.team = "search').message).toContain("Unterminated string starting at position 13");
    expect(errorOf("tags.team = 'search\\'").message).toContain("Unterminated string starting at position 13");
  });

  it("reports an unknown attribute", () => {
    expect(errorOf('attributes.owner = "x"').message).toContain(
      'Unknown attribute "owner" at position 1: expected one of status, name, user, gitCommit',
    );
  });

  it("reports an unknown status and ordering operators on status", () => {
    expect(errorOf('attributes.status = "DONE"').message).toContain(
      'Unknown status "DONE" at position 21: expected one of RUNNING, FINISHED, FAILED, KILLED',
    );
    expect(errorOf('attributes.status > "RUNNING"').message).toContain(
      'attributes.status can only be compared with = or != (found ">" at position 19)',
    );
  });

  it("reports ordering operators on tags", () => {
    expect(errorOf('tags.team < "x"').message).toContain(
      'Tags can only be compared with = or != (found "<" after "tags.team" at position 11)',
    );
  });

  it("reports anything but `and` between terms", () => {
    expect(errorOf("metrics.a > 1 or metrics.b > 2").message).toContain(
      'Expected "and" or the end of the filter at position 15 (found "or")',
    );
    expect(errorOf("metrics.a > 1 metrics.b > 2").message).toContain(
      'Expected "and" or the end of the filter at position 15 (found "metrics.b")',
    );
    expect(errorOf("metrics.a > 1 andmetrics.b > 2").message).toContain('(found "andmetrics.b")');
    expect(errorOf("metrics.a > 1, metrics.b > 2").message).toContain('at position 14 (found ",")');
  });

  it("reports a dangling `and`", () => {
    expect(errorOf("metrics.a > 1 and").message).toContain(
      'Expected an identifier like metrics.<key>, params.<key>, tags.<key> or attributes.<name> after "and" at position 18, but the filter ended',
    );
    expect(errorOf("metrics.a > 1 and and metrics.b > 1").message).toContain('Unknown field type "and" at position 19');
  });

  it("limits the number of conditions and the length", () => {
    const terms = Array.from({ length: MAX_FILTER_TERMS + 1 }, (_, i) => `metrics.m${i} > 0`).join(" and ");
    expect(errorOf(terms).message).toContain(`At most ${MAX_FILTER_TERMS} conditions`);
    expect(errorOf(`tags.a = "${"x".repeat(5000)}"`).message).toContain("longer than 4000 characters");
  });

  it("prefixes every message so callers know it is about the filter", () => {
    expect(errorOf("nope").message).toMatch(/^Invalid filter: /);
  });
});
