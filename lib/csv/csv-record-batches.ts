import { CsvSyntaxError } from "@/lib/csv/csv-byte-records";
import { afterByte, COMMA, CR, FIELD_START, LF, QUOTE, QUOTE_IN_QUOTED, QUOTED, UNQUOTED } from "@/lib/csv/csv-bytes";

/** Whole CSV records as they were read (bytes untouched), how many, and the byte offset just after the last one. */
export type CsvRecordBatch = { bytes: Uint8Array; rows: number; endOffset: number };

/**
 * Cuts CSV bytes, fed in chunks of any size, into batches of `batchSize` whole records without decoding them: where
 * records end is all a batch job needs to know, since the runtime parses the records it scores. Counts records as
 * CsvByteRecords does, with the same states (line ends LF or CRLF, newlines inside quoted fields kept, empty lines not records). Chunks
 * without a quote, outside a quoted field, are scanned for line ends natively.
 */
export class CsvRecordBatches {
  private pieces: Uint8Array[] = [];
  private piecesBytes = 0;
  private rows = 0;
  private at = FIELD_START;
  /** Bytes of the current record so far, and whether the last of them was a CR. */
  private lineBytes = 0;
  private lastWasCr = false;
  private offset: number;

  /**
   * A batch closes at `batchSize` records, or earlier once it holds `maxBytes` (whole records: a longer one alone). A
   * record longer than `maxRecordBytes` is refused (CsvSyntaxError) as soon as it is, before more of it is kept.
   */
  constructor(
    private readonly batchSize: number,
    startOffset: number,
    private readonly maxBytes = Infinity,
    private readonly maxRecordBytes = Infinity,
  ) {
    this.offset = startOffset;
  }

  /** The batches this chunk completes. */
  push(chunk: Uint8Array): CsvRecordBatch[] {
    const batches: CsvRecordBatch[] = [];
    let from = 0;
    const onLineEnd = (lf: number) => {
      const content = this.lineBytes - (this.lastWasCr ? 1 : 0);
      this.lineBytes = 0;
      this.lastWasCr = false;
      if (content === 0) return;
      if (++this.rows < this.batchSize && this.piecesBytes + lf + 1 - from < this.maxBytes) return;
      batches.push(this.cut(chunk.subarray(from, lf + 1)));
      from = lf + 1;
    };
    if (this.at !== QUOTED && this.at !== QUOTE_IN_QUOTED && chunk.indexOf(QUOTE) === -1)
      this.scanUnquoted(chunk, onLineEnd);
    else this.scanBytes(chunk, onLineEnd);
    if (from < chunk.length) {
      this.pieces.push(chunk.subarray(from));
      this.piecesBytes += chunk.length - from;
    }
    this.offset += chunk.length - from;
    if (this.lineBytes > this.maxRecordBytes)
      throw new CsvSyntaxError(`A record is longer than ${this.maxRecordBytes} bytes: is a quote left open?`);
    return batches;
  }

  /** The records left (the last one may lack a line end). */
  end(): CsvRecordBatch[] {
    if (this.at === QUOTED) throw new CsvSyntaxError("A quoted field is not closed at the end of the input");
    if (this.lineBytes - (this.lastWasCr ? 1 : 0) > 0) this.rows++;
    this.lineBytes = 0;
    return this.rows > 0 ? [this.cut(new Uint8Array(0))] : [];
  }

  private scanUnquoted(chunk: Uint8Array, onLineEnd: (lf: number) => void) {
    let start = 0;
    for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, start)) {
      this.lineBytes += lf - start;
      if (lf > start) this.lastWasCr = chunk[lf - 1] === CR;
      onLineEnd(lf);
      start = lf + 1;
    }
    if (start < chunk.length) {
      this.lineBytes += chunk.length - start;
      this.lastWasCr = chunk[chunk.length - 1] === CR;
    }
    const last = chunk[chunk.length - 1];
    if (last !== undefined) this.at = last === COMMA || last === LF ? FIELD_START : UNQUOTED;
  }

  private scanBytes(chunk: Uint8Array, onLineEnd: (lf: number) => void) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      const lineEnd = byte === LF && this.at !== QUOTED;
      this.at = afterByte(this.at, byte);
      if (lineEnd) onLineEnd(i);
      else {
        this.lineBytes++;
        this.lastWasCr = byte === CR;
      }
    }
  }

  /** The batch of the records read so far, ending with `tail`. */
  private cut(tail: Uint8Array): CsvRecordBatch {
    let bytes = tail;
    if (this.pieces.length > 0) {
      bytes = new Uint8Array(this.piecesBytes + tail.length);
      let at = 0;
      for (const piece of [...this.pieces, tail]) {
        bytes.set(piece, at);
        at += piece.length;
      }
    }
    this.offset += tail.length;
    const batch = { bytes, rows: this.rows, endOffset: this.offset };
    this.pieces = [];
    this.piecesBytes = 0;
    this.rows = 0;
    return batch;
  }
}
