import { afterByte, CR, FIELD_START, LF, QUOTED } from "@/lib/csv/csv-bytes";

/** A CSV record with the byte offset just after it (its line end included): where reading resumes after it. */
export type CsvRecord = { fields: string[]; endOffset: number };

const decoder = new TextDecoder("utf-8", { fatal: true });

export class CsvSyntaxError extends Error {
  override name = "CsvSyntaxError";
}

/** Splits one record's text into fields (RFC 4180: quoted fields, "" for a quote inside them). */
export function splitCsvRecord(text: string): string[] {
  if (!text.includes('"')) return text.split(",");
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  if (quoted) throw new CsvSyntaxError("A quoted field is not closed");
  fields.push(field);
  return fields;
}

/**
 * Splits CSV bytes, fed in chunks of any size, into records, each with the byte offset where it ends, so a reader can
 * stop after any record and resume exactly there. Line ends are LF or CRLF; newlines inside quoted fields stay in
 * the field. Works on bytes (every delimiter is ASCII, so a UTF-8 character split across chunks is never cut), and
 * decodes each record once it is whole. Empty lines are skipped; a UTF-8 byte order mark at offset 0 is dropped.
 */
export class CsvByteRecords {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private at = FIELD_START;
  private offset: number;
  private atStart: boolean;

  /** `dropByteOrderMark`: a UTF-8 byte order mark opening the input is not data (a file's start; not a fragment's). */
  constructor(startOffset = 0, dropByteOrderMark = startOffset === 0) {
    this.offset = startOffset;
    this.atStart = dropByteOrderMark;
  }

  /** The records this chunk completes. */
  push(chunk: Uint8Array): CsvRecord[] {
    if (this.atStart && this.pendingBytes === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
      chunk = chunk.subarray(3);
      this.offset += 3;
    }
    this.atStart = false;
    const records: CsvRecord[] = [];
    const ends: number[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === LF && this.at !== QUOTED) ends.push(i + 1);
      this.at = afterByte(this.at, byte);
    }
    let start = 0;
    let first = 0;
    if (ends.length > 0 && this.pendingBytes > 0) {
      this.emit(chunk.subarray(0, ends[0]), records);
      start = ends[0]!;
      first = 1;
    }
    if (first < ends.length) this.emitRegion(chunk.subarray(start, ends.at(-1)), ends, first, start, records);
    const tail = ends.at(-1) ?? 0;
    if (tail < chunk.length) {
      this.pending.push(chunk.slice(tail));
      this.pendingBytes += chunk.length - tail;
    }
    return records;
  }

  /**
   * Whole records of one chunk, decoded at once: when the text is ASCII (one byte per character, the common case),
   * each record is a slice of it; otherwise each record is decoded on its own, to keep exact byte offsets.
   */
  private emitRegion(region: Uint8Array, ends: number[], first: number, base: number, records: CsvRecord[]) {
    let text: string | null;
    try {
      text = decoder.decode(region);
    } catch {
      text = null;
    }
    let from = base;
    for (let e = first; e < ends.length; e++) {
      const end = ends[e]!;
      if (text === null || text.length !== region.length) this.emit(region.subarray(from - base, end - base), records);
      else {
        this.offset += end - from;
        let stop = end - base - 1;
        if (stop > from - base && text.charCodeAt(stop - 1) === CR) stop--;
        if (stop > from - base)
          records.push({ fields: splitCsvRecord(text.slice(from - base, stop)), endOffset: this.offset });
      }
      from = end;
    }
  }

  /** The last record, when the input does not end with a line end. */
  end(): CsvRecord[] {
    if (this.at === QUOTED) throw new CsvSyntaxError("A quoted field is not closed at the end of the input");
    const records: CsvRecord[] = [];
    if (this.pendingBytes > 0) this.emit(new Uint8Array(0), records);
    return records;
  }

  private emit(tail: Uint8Array, records: CsvRecord[]) {
    let bytes = tail;
    if (this.pendingBytes > 0) {
      bytes = new Uint8Array(this.pendingBytes + tail.length);
      let at = 0;
      for (const part of this.pending) {
        bytes.set(part, at);
        at += part.length;
      }
      bytes.set(tail, at);
      this.pending = [];
      this.pendingBytes = 0;
    }
    this.offset += bytes.length;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === LF) end--;
    if (end > 0 && bytes[end - 1] === CR) end--;
    if (end === 0) return;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(0, end));
    } catch {
      throw new CsvSyntaxError(`The record ending at byte ${this.offset} is not UTF-8`);
    }
    records.push({ fields: splitCsvRecord(text), endOffset: this.offset });
  }
}

/** A field as CSV writes it: quoted when it holds a comma, a quote or a line end. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export const csvLine = (fields: readonly string[]) => fields.map(csvField).join(",") + "\n";
