import { errorMessage } from "@/lib/error-message";
export const MAX_PANEL_ROWS = 100;

type Row = Record<string, unknown>;

const isRow = (value: unknown): value is Row => typeof value === "object" && value !== null && !Array.isArray(value);

/** The editor's text as request rows: one JSON object, or an array of up to 100 of them. */
export function parseRows(text: string): { rows: Row[] } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `Not valid JSON: ${errorMessage(error)}` };
  }
  const rows: unknown[] = Array.isArray(value) ? value : [value];
  if (rows.length === 0) return { problem: "Send at least one row" };
  if (rows.length > MAX_PANEL_ROWS)
    return { problem: `At most ${MAX_PANEL_ROWS} rows from the portal; got ${rows.length}` };
  const bad = rows.findIndex((row) => !isRow(row));
  if (bad >= 0) return { problem: `Row ${bad} must be an object of feature values, like {"amount": 12.5}` };
  return { rows: rows.filter(isRow) };
}

/** "0.0123" for numbers (4 significant digits), the value itself otherwise. */
export function formatOutput(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  if (Array.isArray(value)) return `[${value.map(formatOutput).join(", ")}]`;
  return String(value);
}
