import { parseFiniteNumber, parseStep, type MetricPoint } from "@/cli/values";

export type MetricsFormat = "jsonl" | "csv";

export type ParsedLine = { kind: "point"; point: MetricPoint } | { kind: "skip" } | { kind: "error"; message: string };

/** From the file name when it says, else from the first non-blank line (`{` means JSON lines). */
export function detectMetricsFormat(fileName: string, firstLine: string | undefined): MetricsFormat {
  const lower = fileName.toLowerCase();
  if (/\.(jsonl|ndjson|json)$/.test(lower)) return "jsonl";
  if (lower.endsWith(".csv")) return "csv";
  return firstLine?.trimStart().startsWith("{") ? "jsonl" : "csv";
}

const CSV_HEADER = /^\s*key\s*,\s*value\s*,\s*step\s*(,\s*timestamp\s*)?$/i;

/** One line of a metrics file; blank lines and a CSV header are skipped. */
export function parseMetricsLine(line: string, format: MetricsFormat): ParsedLine {
  if (line.trim() === "") return { kind: "skip" };
  return format === "csv" ? parseCsvLine(line) : parseJsonLine(line);
}

function parseCsvLine(line: string): ParsedLine {
  if (CSV_HEADER.test(line)) return { kind: "skip" };
  const fields = line.split(",");
  if (fields.length < 3 || fields.length > 4) {
    return error(
      `expected key,value,step[,timestamp] but found ${fields.length} field${fields.length === 1 ? "" : "s"}`,
    );
  }
  const [key = "", value = "", step = "", timestamp] = fields;
  return toPoint(key.trim(), parseFiniteNumber(value), value, parseStep(step), step, timestamp);
}

function parseJsonLine(line: string): ParsedLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return error("not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return error('expected an object like {"key": "loss", "value": 0.1, "step": 1}');
  }
  const record = parsed as Record<string, unknown>;
  const key = typeof record.key === "string" ? record.key.trim() : "";
  const value = typeof record.value === "number" && Number.isFinite(record.value) ? record.value : undefined;
  const step = Number.isInteger(record.step) ? parseStep(String(record.step)) : undefined;
  const timestamp = record.timestamp === undefined || record.timestamp === null ? undefined : String(record.timestamp);
  return toPoint(key, value, JSON.stringify(record.value), step, JSON.stringify(record.step), timestamp);
}

function toPoint(
  key: string,
  value: number | undefined,
  rawValue: string | undefined,
  step: number | undefined,
  rawStep: string | undefined,
  rawTimestamp: string | undefined,
): ParsedLine {
  if (!key) return error("missing metric key");
  if (value === undefined) return error(`value ${rawValue ?? "(missing)"} is not a finite number`);
  if (step === undefined) return error(`step ${rawStep ?? "(missing)"} is not a non-negative integer`);
  if (rawTimestamp === undefined || rawTimestamp.trim() === "") return { kind: "point", point: { key, value, step } };
  const timestamp = Number(rawTimestamp.trim());
  if (!/^\d+$/.test(rawTimestamp.trim()) || !Number.isSafeInteger(timestamp)) {
    return error(`timestamp ${rawTimestamp.trim()} is not milliseconds since the epoch`);
  }
  return { kind: "point", point: { key, value, step, timestamp } };
}

const error = (message: string): ParsedLine => ({ kind: "error", message });

export type LineError = { line: number; message: string };

/** A readable summary of bad lines, capped so a wholly wrong file does not flood the terminal. */
export function describeLineErrors(fileName: string, errors: LineError[], totalErrors: number, limit = 20): string {
  const shown = errors.slice(0, limit).map((e) => `  line ${e.line}: ${e.message}`);
  const more = totalErrors > shown.length ? [`  …and ${totalErrors - shown.length} more`] : [];
  const noun = totalErrors === 1 ? "line" : "lines";
  return [`${fileName}: ${totalErrors} bad ${noun}, nothing was sent`, ...shown, ...more].join("\n");
}
