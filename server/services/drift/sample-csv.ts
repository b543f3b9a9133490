import { AppError, badRequest } from "@/server/errors";

/** A sample's columns as read from CSV: every cell's exact text. */
export type SampleTextColumns = Record<string, string[]>;

type OnRecord = (fields: string[]) => void;

/**
 * Splits CSV text, fed in pieces of any size, into records of fields (RFC 4180: quoted fields may hold commas,
 * quotes as "" and newlines). A "" or \r\n split across two pieces is read as if it had arrived whole.
 */
class CsvRecords {
  private row: string[] = [];
  private field = "";
  private quoted = false;
  /** A quote seen inside a quoted field: the next character says whether it was "" or the closing quote. */
  private quoteInQuoted = false;
  /** A \r just ended a record: a \n right after it belongs to the same line end. */
  private afterCarriageReturn = false;

  constructor(private readonly onRecord: OnRecord) {}

  push(text: string): void {
    for (let i = 0; i < text.length; i++) this.character(text[i]!);
  }

  end(): void {
    if (this.quoteInQuoted) {
      this.quoteInQuoted = false;
      this.quoted = false;
    }
    if (this.quoted) throw badRequest("Reference sample: a quoted field is not closed");
    if (this.field !== "" || this.row.length > 0) this.emit([...this.row, this.field]);
  }

  private character(ch: string): void {
    const afterCarriageReturn = this.afterCarriageReturn;
    this.afterCarriageReturn = false;
    if (this.quoteInQuoted) {
      this.quoteInQuoted = false;
      if (ch === '"') {
        this.field += '"';
        return;
      }
      this.quoted = false;
    }
    if (this.quoted) {
      if (ch === '"') this.quoteInQuoted = true;
      else this.field += ch;
    } else if (ch === '"') {
      this.quoted = true;
    } else if (ch === ",") {
      this.row.push(this.field);
      this.field = "";
    } else if (ch === "\n" && afterCarriageReturn) {
      return;
    } else if (ch === "\n" || ch === "\r") {
      this.afterCarriageReturn = ch === "\r";
      this.emit([...this.row, this.field]);
      this.row = [];
      this.field = "";
    } else {
      this.field += ch;
    }
  }

  /** Blank lines are no records. */
  private emit(fields: string[]): void {
    if (!(fields.length === 1 && fields[0] === "")) this.onRecord(fields);
  }
}

export type SampleLimits = {
  /** Only these columns' values are kept (all when absent): a profile needs the model's inputs, not the label or ids. */
  keep?: ReadonlySet<string>;
  /** More data rows than this are refused (413) rather than held in memory. */
  maxRows?: number;
};

const tooManyRows = (maxRows: number) =>
  new AppError(
    "PAYLOAD_TOO_LARGE",
    `Reference sample has more than ${maxRows.toLocaleString("en-US")} rows; send a random subsample of at most that many`,
    { code: "REFERENCE_SAMPLE_TOO_LARGE", maxRows },
  );

/**
 * Collects a sample's records into columns: the first record is the header, every other must have as many fields.
 * Every cell is kept as its exact text: whether "01001" is a number is for the signature to say, not the CSV (see
 * computeReferenceProfile, which parses numeric inputs and keeps string inputs verbatim).
 */
class SampleColumnsBuilder {
  private names: string[] | null = null;
  private kept: { index: number; values: string[] }[] = [];
  rowCount = 0;

  constructor(private readonly limits: SampleLimits) {}

  record(fields: string[]): void {
    if (this.names === null) return this.header(fields);
    if (fields.length !== this.names.length) {
      const row = this.rowCount + 1;
      throw badRequest(
        `Reference sample: row ${row} has ${fields.length} fields, the header has ${this.names.length}`,
        {
          row,
        },
      );
    }
    if (this.limits.maxRows !== undefined && this.rowCount >= this.limits.maxRows) {
      throw tooManyRows(this.limits.maxRows);
    }
    for (const column of this.kept) column.values.push(fields[column.index]!);
    this.rowCount += 1;
  }

  columns(): SampleTextColumns {
    if (this.names === null) throw badRequest("Reference sample is empty (expected a header row)");
    const names = this.names;
    return Object.fromEntries(this.kept.map((column) => [names[column.index]!, column.values]));
  }

  private header(fields: string[]): void {
    if (fields.length > MAX_SAMPLE_COLUMNS) {
      throw badRequest(`Reference sample has ${fields.length} columns; at most ${MAX_SAMPLE_COLUMNS} are read`);
    }
    const names = fields.map((name) => name.trim());
    const seen = new Set<string>();
    const duplicate = names.find((name) => seen.size === seen.add(name).size);
    if (duplicate !== undefined) throw badRequest(`Reference sample has the column "${duplicate}" twice`);
    this.names = names;
    const keep = this.limits.keep;
    this.kept = names.flatMap((name, index) => (!keep || keep.has(name) ? [{ index, values: [] }] : []));
  }
}

/** A model's reference sample has one column per input feature (plus a few): far fewer than this. */
export const MAX_SAMPLE_COLUMNS = 10_000;

/**
 * Parses a training-sample CSV (header row, then one row per example) held in memory into columns of the cells' exact
 * text (no type guessing); every row must have as many fields as the header.
 */
export function parseSampleCsv(
  text: string,
  limits: SampleLimits = {},
): { columns: SampleTextColumns; rowCount: number } {
  const builder = new SampleColumnsBuilder(limits);
  const records = new CsvRecords((fields) => builder.record(fields));
  records.push(text.startsWith("\ufeff") ? text.slice(1) : text);
  records.end();
  return { columns: builder.columns(), rowCount: builder.rowCount };
}

const tooManyBytes = (maxBytes: number) =>
  new AppError("PAYLOAD_TOO_LARGE", `Reference sample is over ${Math.floor(maxBytes / 1024 / 1024)} MiB`, {
    code: "REFERENCE_SAMPLE_TOO_LARGE",
    maxBytes,
  });

/**
 * The same parse, read from a stream piece by piece: only the `keep` columns' values are held, and reading stops with a
 * 413 past `maxRows` rows or `maxBytes` bytes, so a large sample never sits whole in the web server's memory.
 */
export async function readSampleCsv(
  stream: ReadableStream<Uint8Array>,
  limits: SampleLimits & { maxBytes: number },
): Promise<{ columns: SampleTextColumns; rowCount: number }> {
  const builder = new SampleColumnsBuilder(limits);
  const records = new CsvRecords((fields) => builder.record(fields));
  // TextDecoder drops a leading byte-order mark, as parseSampleCsv does.
  const decoder = new TextDecoder("utf-8");
  const reader = stream.getReader();
  let bytes = 0;
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      bytes += chunk.value.byteLength;
      if (bytes > limits.maxBytes) throw tooManyBytes(limits.maxBytes);
      records.push(decoder.decode(chunk.value, { stream: true }));
    }
  } catch (error) {
    // Stop reading (and let the store close the file) before answering with the error.
    await reader.cancel();
    throw error;
  }
  records.push(decoder.decode());
  records.end();
  return { columns: builder.columns(), rowCount: builder.rowCount };
}
