/** The bytes CSV's structure is made of (all ASCII, so never part of a multi-byte UTF-8 character). */
export const QUOTE = 0x22;
export const LF = 0x0a;
export const CR = 0x0d;
export const COMMA = 0x2c;

/**
 * Where a reader is in a record, as splitCsvRecord reads it: a quote opens a quoted field only at a field's start
 * (elsewhere it is text), so a stray quote (`12" screen`) never joins the lines after it into one record.
 */
export const FIELD_START = 0;
export const UNQUOTED = 1;
export const QUOTED = 2;
/** Just after a quote inside a quoted field: it closed the field, unless another quote follows (`""`). */
export const QUOTE_IN_QUOTED = 3;

/** The reader's state after `byte`. A line feed read outside a quoted field (`at` not QUOTED) ends the record. */
export function afterByte(at: number, byte: number): number {
  if (at === QUOTED) return byte === QUOTE ? QUOTE_IN_QUOTED : QUOTED;
  if (byte === QUOTE && at !== UNQUOTED) return QUOTED;
  return byte === COMMA || byte === LF ? FIELD_START : UNQUOTED;
}
