import { configureLogging, type ProcessKind } from "@/server/logging/logger";
import type { LogLevel } from "@/lib/json-logger";

export type LogLine = Record<string, unknown> & { level: string; msg?: string; requestId?: string };

/** Points this process's JSON logs at memory until `restore()`: the raw text and the parsed lines. */
export function captureLogs(options: { kind?: ProcessKind; level?: LogLevel } = {}) {
  let text = "";
  configureLogging({
    kind: options.kind ?? "portal",
    level: options.level ?? "info",
    destination: { write: (chunk: string) => void (text += chunk) },
  });
  return {
    text: () => text,
    lines: () => parseLogLines(text),
    restore: () => configureLogging({ kind: "portal" }),
  };
}

/** The JSON lines of a process's output (other lines, e.g. from tools it runs, are skipped). */
export function parseLogLines(output: string): LogLine[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);
}
