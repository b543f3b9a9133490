import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { UsageError } from "@/cli/errors";
import {
  describeLineErrors,
  detectMetricsFormat,
  parseMetricsLine,
  type LineError,
  type MetricsFormat,
} from "@/cli/metrics-file";
import type { MetricPoint } from "@/cli/values";

async function* numberedLines(path: string): AsyncGenerator<{ number: number; text: string }> {
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let number = 0;
  for await (const text of lines) yield { number: ++number, text };
}

async function firstNonBlankLine(path: string): Promise<string | undefined> {
  for await (const { text } of numberedLines(path)) if (text.trim() !== "") return text;
  return undefined;
}

export type MetricsFile = { path: string; format: MetricsFormat; pointCount: number };

/**
 * Reads the whole file once to validate it, so a bad line anywhere stops the upload before any
 * point is sent. Memory stays flat: the points are streamed again by `readMetricPoints`.
 */
export async function validateMetricsFile(path: string): Promise<MetricsFile> {
  await access(path).catch(() => {
    throw new UsageError(`Cannot read metrics file ${path}`);
  });
  const format = detectMetricsFormat(path, await firstNonBlankLine(path));
  const errors: LineError[] = [];
  let errorCount = 0;
  let pointCount = 0;
  for await (const { number, text } of numberedLines(path)) {
    const parsed = parseMetricsLine(text, format);
    if (parsed.kind === "point") pointCount++;
    if (parsed.kind === "error") {
      errorCount++;
      if (errors.length < 20) errors.push({ line: number, message: parsed.message });
    }
  }
  if (errorCount > 0) throw new UsageError(describeLineErrors(basename(path), errors, errorCount));
  return { path, format, pointCount };
}

export async function* readMetricPoints(file: MetricsFile): AsyncGenerator<MetricPoint> {
  for await (const { text } of numberedLines(file.path)) {
    const parsed = parseMetricsLine(text, file.format);
    if (parsed.kind === "point") yield parsed.point;
  }
}
