import { BATCH_ERROR_COLUMN, BATCH_ROW_COLUMN } from "@/contracts/batch-jobs";
import type { Prediction } from "@/contracts/runtime-predict";
import type { Signature } from "@/contracts/signature";
import { csvLine } from "@/lib/csv/csv-byte-records";
import { typedCell } from "@/lib/csv/typed-cell";

/** Where a dataset's columns are: each key column's and each model input's index in the header. */
export type BatchColumns = {
  keys: { name: string; index: number }[];
  /** `jsonKey`: the input's name as a JSON object key, colon included. */
  inputs: { name: string; type: Signature["inputs"][number]["type"]; index: number; jsonKey: string }[];
  outputs: string[];
};

/** Why a dataset cannot be scored with a version: named, so the person who started the job can fix the file. */
export class BatchInputError extends Error {
  override name = "BatchInputError";
}

/** Checks a dataset's header against the key columns asked for and the version's signature. */
export function planColumns(
  header: readonly string[],
  keyColumns: readonly string[],
  signature: Signature,
): BatchColumns {
  const names = header.map((name) => name.trim());
  const indexOf = new Map<string, number>();
  names.forEach((name, index) => {
    if (indexOf.has(name)) throw new BatchInputError(`Column "${name}" appears twice in the header`);
    indexOf.set(name, index);
  });
  const find = (name: string, what: string) => {
    const index = indexOf.get(name);
    if (index === undefined)
      throw new BatchInputError(
        `The header has no ${what} column "${name}" (it has: ${names.slice(0, 20).join(", ")})`,
      );
    return index;
  };
  const outputs = signature.outputs.map((output) => output.name);
  const twice = keyColumns.find((name, i) => keyColumns.indexOf(name) !== i);
  if (twice !== undefined) throw new BatchInputError(`Key column "${twice}" is named twice`);
  for (const reserved of [BATCH_ROW_COLUMN, BATCH_ERROR_COLUMN, ...outputs])
    if (keyColumns.includes(reserved))
      throw new BatchInputError(`Key column "${reserved}" would clash with an output column of the same name`);
  return {
    keys: keyColumns.map((name) => ({ name, index: find(name, "key") })),
    inputs: signature.inputs.map((input) => ({
      name: input.name,
      type: input.type,
      index: find(input.name, "input"),
      jsonKey: `${JSON.stringify(input.name)}:`,
    })),
    outputs,
  };
}

/** Text JSON reads as the same number it means here, so a numeric cell can go into the request as it was written. */
const JSON_FLOAT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const JSON_INT = /^-?(?:0|[1-9]\d{0,14})$/;

function cellJson(raw: string, type: BatchColumns["inputs"][number]["type"]): string | { error: string } {
  if ((type === "float32" || type === "float64") && JSON_FLOAT.test(raw)) return raw;
  if (type === "int64" && JSON_INT.test(raw)) return raw;
  const value = typedCell(raw, type);
  if (type !== "string" && typeof value === "string") return { error: value };
  return JSON.stringify(value);
}

/**
 * A data row as the runtime takes it, as JSON text ({"input":value,…}, built without an object per row: this is the
 * batch path's hot loop), or why it cannot be sent (a cell that is not of its input's type). Numbers written as JSON
 * writes them go as they are; anything else is typed first (a bad one is the row's error, never sent).
 */
export function featureRow(fields: readonly string[], columns: BatchColumns): { json: string } | { error: string } {
  let json = "{";
  for (const [i, input] of columns.inputs.entries()) {
    const raw = fields[input.index];
    if (raw === undefined) return { error: `the row has no "${input.name}" cell` };
    const cell = cellJson(raw, input.type);
    if (typeof cell !== "string") return { error: `"${input.name}": ${cell.error}` };
    json += `${i === 0 ? "" : ","}${input.jsonKey}${cell}`;
  }
  return { json: json + "}" };
}

export const outputHeader = (columns: BatchColumns) =>
  csvLine([...columns.keys.map((key) => key.name), BATCH_ROW_COLUMN, ...columns.outputs, BATCH_ERROR_COLUMN]);

const cell = (value: Prediction[string] | undefined) =>
  value === undefined ? "" : Array.isArray(value) ? JSON.stringify(value) : String(value);

/** One output line: the row's key cells, its 1-based row number, the model's outputs, and its error if it failed. */
export function outputLine(
  fields: readonly string[],
  rowNumber: number,
  columns: BatchColumns,
  result: { prediction: Prediction } | { error: string },
): string {
  const keys = columns.keys.map((key) => fields[key.index] ?? "");
  if ("error" in result) return csvLine([...keys, String(rowNumber), ...columns.outputs.map(() => ""), result.error]);
  return csvLine([...keys, String(rowNumber), ...columns.outputs.map((o) => cell(result.prediction[o])), ""]);
}
