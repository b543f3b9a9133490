import { z } from "zod";
import { badRequest } from "@/server/errors";
import { decodeCursor, encodeCursor } from "@/server/services/cursor-text";
import type { RunSortKeyType } from "@/server/services/experiments/run-sort";

/**
 * Where a page of runs ended: the last run's sort key, start time and id, as PostgreSQL printed them, so the next page
 * compares against exact values. `order` is a digest of the experiment, filter and ordering the key belongs to; a cursor is refused under others.
 * `asOf` is the first page's "now", which a running run's duration is measured to on every page of the walk (a duration
 * growing between pages would move runs behind the cursor).
 */
export type RunCursor = { order: string; key: string | null; start: string; id: string; asOf: string };

const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$/;
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,3})?$/;

/** A timestamp as PostgreSQL prints one, naming a real instant (no year 0, no month 13, no 25 o'clock). */
export function isTimestampText(text: string): boolean {
  const parts = TIMESTAMP_TEXT.exec(text);
  if (!parts) return false;
  const [year = 0, month, day, hour, minute, second] = parts.slice(1, 7).map(Number);
  if (year < 1) return false;
  const date = new Date(Date.UTC(2000, (month ?? 0) - 1, day ?? 0, hour ?? 0, minute ?? 0, second ?? 0));
  date.setUTCFullYear(year, (month ?? 0) - 1, day ?? 0); // Date.UTC reads years below 100 as 19xx
  return (
    date.getUTCMonth() + 1 === month &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/** A number a float8 holds: finite, and not so small it underflows (PostgreSQL refuses those; JS reads them as 0). */
function isFloat8Text(text: string): boolean {
  if (!NUMBER_TEXT.test(text)) return false;
  const value = Number(text);
  const mantissaIsZero = !/[1-9]/.test(text.split(/[eE]/)[0] ?? "");
  return Number.isFinite(value) && (value !== 0 || mantissaIsZero);
}

// Each key is later cast to its type in SQL: a text PostgreSQL could not cast must be refused here, not there.
// Numeric takes any such number within the key's length (exponents of three digits at most).
const KEY_TEXT: Record<RunSortKeyType, (text: string) => boolean> = {
  text: () => true,
  timestamp: isTimestampText,
  float8: isFloat8Text,
  numeric: (text) => NUMBER_TEXT.test(text),
};

// PostgreSQL text holds neither NUL nor half a surrogate pair: a cursor with one was not written by the server.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const cursorText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((text) => !text.includes("\u0000") && !LONE_SURROGATE.test(text));

/** Text keys are at most 200 characters (run-sort.ts); a numeric param of 6,000 characters prints a little longer. */
const MAX_CURSOR_KEY = 8_000;

const cursorSchema = z.object({
  order: cursorText(64),
  key: cursorText(MAX_CURSOR_KEY).nullable(),
  start: z.string().refine(isTimestampText),
  id: cursorText(64).min(1),
  asOf: z.string().refine(isTimestampText),
});

/** Now, in the form the cursor carries (UTC, as the database stores times). */
export const timestampText = (date: Date) => date.toISOString().replace("T", " ").replace("Z", "");

export function encodeRunCursor(cursor: RunCursor): string {
  return encodeCursor(cursor);
}

const invalid = () => badRequest("The page cursor is not valid: load the runs again from the first page");

/** Reads a cursor's fields; anything edited or truncated is a 400. */
export function parseRunCursor(text: string): RunCursor {
  const parsed = cursorSchema.safeParse(decodeCursor(text));
  if (!parsed.success) throw invalid();
  return parsed.data;
}

/** Refuses (400) a cursor another ordering wrote, or whose key the ordering's type cannot hold. */
export function assertCursorFits(cursor: RunCursor, order: string, keyType: RunSortKeyType) {
  if (cursor.order !== order) {
    throw badRequest("The runs' order changed since this page cursor was made: load them again from the first page");
  }
  if (cursor.key !== null && !KEY_TEXT[keyType](cursor.key)) throw invalid();
}
