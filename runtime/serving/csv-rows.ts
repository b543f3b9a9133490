import type { TensorSpec } from "@/contracts/signature";
import { csvField, CsvByteRecords, CsvSyntaxError } from "@/lib/csv/csv-byte-records";
import { typedCell } from "@/lib/csv/typed-cell";
import type { WireBatch, WireFeeds } from "@/runtime/inference/tensors";
import { badRequest } from "@/runtime/errors";

/**
 * The records of a CSV body (no header); a malformed body is the caller's mistake. A byte order mark opening the
 * body is dropped only for a whole file (`dropByteOrderMark`), never for a fragment of one, whose records it would
 * change.
 */
export function csvBodyRecords(bytes: Uint8Array, dropByteOrderMark = true): string[][] {
  try {
    const reader = new CsvByteRecords(0, dropByteOrderMark);
    const records = reader.push(bytes);
    records.push(...reader.end());
    return records.map((record) => record.fields);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw badRequest(`The CSV body is malformed: ${error.message}`);
    throw error;
  }
}

/**
 * A numeric cell's value on the fast path: what Number() reads, when that is a finite number of a cell CSV_NUMBER
 * accepts too (not blank, not 0x/0o/0b); undefined sends the cell to typedCell, which also says what is wrong.
 */
function plainNumber(cell: string): number | undefined {
  const value = Number(cell);
  if (!Number.isFinite(value)) return undefined;
  const head = cell.charCodeAt(0) === 0x30 ? cell : cell.trimStart();
  if (head === "") return undefined;
  const second = head.charCodeAt(1) | 0x20;
  if (head.charCodeAt(0) === 0x30 && (second === 0x78 || second === 0x6f || second === 0x62)) return undefined;
  return value;
}

/** A cell as its input's tensor holds it (numbers for numeric and bool inputs), or why it cannot be one. */
function cellValue(cell: string, type: TensorSpec["type"]): number | string | { error: string } {
  if (type === "float32" || type === "float64") {
    const value = plainNumber(cell);
    if (value !== undefined) return value;
  }
  const typed = typedCell(cell, type);
  if (type === "string") return typed as string;
  if (typeof typed === "string") return { error: typed };
  return typeof typed === "boolean" ? Number(typed) : typed;
}

/** The rows that can be scored, packed for an inference thread, and for each record why it cannot be (or null). */
export type PackedRows = { batch: WireBatch; errors: (string | null)[]; failed: number };

/**
 * Reads each record's inputs from its columns (`inputColumns[i]` holds input i) straight into the column-major
 * numbers an inference thread takes, without an object per row. A record with a cell not of its input's type, or too
 * few cells, is left out of the batch with its reason.
 */
export function packRecords(
  records: readonly string[][],
  inputs: readonly TensorSpec[],
  inputColumns: readonly number[],
  layout: string,
): PackedRows {
  const count = records.length;
  const numericInputs = inputs.filter((input) => input.type !== "string").length;
  const numbers = new Float64Array(numericInputs * count);
  const strings: string[][] = inputs.filter((input) => input.type === "string").map(() => new Array<string>(count));
  const errors = new Array<string | null>(count).fill(null);
  let failed = 0;
  let kept = 0;
  for (let r = 0; r < count; r++) {
    const error = packRecord(records[r]!, inputs, inputColumns, { numbers, strings, count, at: kept });
    if (error === null) kept++;
    else {
      errors[r] = error;
      failed++;
    }
  }
  return { batch: { rowCount: kept, layout, ...compact(numbers, strings, count, kept) }, errors, failed };
}

type Columns = { numbers: Float64Array; strings: string[][]; count: number; at: number };

function packRecord(
  fields: readonly string[],
  inputs: readonly TensorSpec[],
  inputColumns: readonly number[],
  into: Columns,
): string | null {
  let numeric = 0;
  let text = 0;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    const cell = fields[inputColumns[i]!];
    if (cell === undefined) return `the row has no "${input.name}" cell`;
    const value = cellValue(cell, input.type);
    if (typeof value === "object") return `"${input.name}": ${value.error}`;
    if (typeof value === "string") into.strings[text++]![into.at] = value;
    else into.numbers[numeric++ * into.count + into.at] = value;
  }
  return null;
}

/** Columns sized for every record, cut to the rows kept when some were left out. */
function compact(numbers: Float64Array, strings: string[][], count: number, kept: number) {
  if (kept === count) return { numbers, strings };
  const columns = numbers.length / Math.max(count, 1);
  const packed = new Float64Array(columns * kept);
  for (let c = 0; c < columns; c++) packed.set(numbers.subarray(c * count, c * count + kept), c * kept);
  return { numbers: packed, strings: strings.map((column) => column.slice(0, kept)) };
}

/** Each output's cells, one per scored row: a scalar as String() writes it, a wider output as a JSON array. */
export function outputCells(outputs: WireFeeds, specs: readonly TensorSpec[], rowCount: number): string[][] {
  return specs.map((spec) => {
    const tensor = outputs[spec.name];
    if (!tensor) throw new Error(`The model did not produce the output "${spec.name}" its signature declares`);
    const data = tensor.data as ArrayLike<number | bigint | string>;
    const width = data.length / rowCount;
    if (!Number.isInteger(width) || width < 1)
      throw new Error(`Output "${spec.name}" has ${data.length} values for ${rowCount} rows`);
    const cells = new Array<string>(rowCount);
    for (let row = 0; row < rowCount; row++) {
      if (width === 1) cells[row] = scalarCell(plain(data[row]!));
      else {
        const values = Array.from({ length: width }, (_, k) => plain(data[row * width + k]!));
        cells[row] = csvField(JSON.stringify(values));
      }
    }
    return cells;
  });
}

const plain = (value: number | bigint | string) => (typeof value === "bigint" ? Number(value) : value);

/** A scalar output's cell; a model's NaN or infinity is written empty, as JSON writes it null in a wider output. */
const scalarCell = (value: number | string) =>
  typeof value === "number" && !Number.isFinite(value) ? "" : csvField(String(value));

/** Rows [from, to) of a batch: its own copy of each input's column. */
export function sliceBatch(batch: WireBatch, from: number, to: number): WireBatch {
  if (from === 0 && to === batch.rowCount) return batch;
  const columns = batch.numbers.length / Math.max(batch.rowCount, 1);
  const numbers = new Float64Array(columns * (to - from));
  for (let c = 0; c < columns; c++)
    numbers.set(batch.numbers.subarray(c * batch.rowCount + from, c * batch.rowCount + to), c * (to - from));
  return { rowCount: to - from, layout: batch.layout, numbers, strings: batch.strings.map((s) => s.slice(from, to)) };
}
