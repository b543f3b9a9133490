import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { basename, extname } from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import { feedbackRowSchema, type FeedbackRow } from "@/contracts/feedback";
import { UsageError } from "@/cli/errors";

/**
 * Outcome files for `modelport feedback send`: JSON lines ({"predictionId"|"correlationId", "label"|"value",
 * "knownAt"}) or CSV with a header naming those columns (empty cells are absent). Checked whole before anything is
 * sent; rows keep their line numbers so the API's per-row answers can be reported by line.
 */
export type FeedbackFormat = "jsonl" | "csv";
export type NumberedRow = { line: number; row: FeedbackRow };

const CSV_COLUMNS = ["predictionId", "correlationId", "label", "value", "knownAt"] as const;

export function feedbackFormatOf(path: string): FeedbackFormat {
  const extension = extname(path).toLowerCase();
  if (extension === ".csv") return "csv";
  if (extension === ".jsonl" || extension === ".ndjson") return "jsonl";
  throw new UsageError(`${basename(path)}: outcome files end in .csv or .jsonl`);
}

async function* numberedLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) yield { line: ++line, text };
}

function csvHeader(text: string): string[] {
  const columns = text.split(",").map((cell) => cell.trim());
  const unknown = columns.filter((column) => !(CSV_COLUMNS as readonly string[]).includes(column));
  if (unknown.length > 0 || !columns.includes("knownAt")) {
    throw new UsageError(`The CSV header must name columns among ${CSV_COLUMNS.join(",")} (knownAt required)`);
  }
  return columns;
}

function csvRecord(header: string[], text: string): Record<string, unknown> {
  const cells = text.split(",").map((cell) => cell.trim());
  const entries = header.flatMap((column, index) => {
    const cell = cells[index] ?? "";
    if (cell === "") return [];
    return [[column, column === "value" && Number.isFinite(Number(cell)) ? Number(cell) : cell]];
  });
  return Object.fromEntries(entries);
}

type Parsed = { kind: "row"; row: FeedbackRow } | { kind: "error"; message: string };

function parseRecord(value: unknown): Parsed {
  const result = feedbackRowSchema.safeParse(value);
  if (result.success) return { kind: "row", row: result.data };
  return { kind: "error", message: result.error.issues.map((issue) => issue.message).join("; ") };
}

function parseJsonLine(text: string): Parsed {
  try {
    return parseRecord(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) return { kind: "error", message: "not valid JSON" };
    throw error;
  }
}

/** The file's rows in order (blank lines skipped), or every problem (by line) when any row is bad. */
export async function* feedbackRows(path: string, format: FeedbackFormat): AsyncGenerator<NumberedRow | LineProblem> {
  let header: string[] | null = null;
  for await (const { line, text } of numberedLines(path)) {
    if (text.trim() === "") continue;
    if (format === "csv" && header === null) {
      header = csvHeader(text);
      continue;
    }
    const parsed = format === "csv" && header ? parseRecord(csvRecord(header, text)) : parseJsonLine(text);
    yield parsed.kind === "row" ? { line, row: parsed.row } : { line, problem: parsed.message };
  }
}

export type LineProblem = { line: number; problem: string };

const MAX_LISTED = 20;

/** Reads the file once to check every row; fails (nothing sent) listing the first problems by line. */
export async function checkFeedbackFile(path: string): Promise<{ format: FeedbackFormat; rows: number }> {
  await access(path).catch(() => {
    throw new UsageError(`Cannot read outcome file ${path}`);
  });
  const format = feedbackFormatOf(path);
  const problems: LineProblem[] = [];
  let rows = 0;
  for await (const item of feedbackRows(path, format)) {
    if ("problem" in item) problems.push(item);
    else rows++;
  }
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED).map((p) => `  line ${p.line}: ${p.problem}`);
    const more = problems.length > MAX_LISTED ? [`  … and ${problems.length - MAX_LISTED} more`] : [];
    throw new UsageError(
      [`${basename(path)} has ${problems.length} bad row(s); nothing was sent:`, ...listed, ...more].join("\n"),
    );
  }
  if (rows === 0) throw new UsageError(`${basename(path)} holds no outcomes`);
  return { format, rows };
}

export const apiIssues = z.object({ issues: z.array(z.object({ path: z.string(), message: z.string() })) });
