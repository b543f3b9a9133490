import { BATCH_ERROR_COLUMN, BATCH_ROW_COLUMN } from "@/contracts/batch-jobs";
import type { Prediction } from "@/contracts/runtime-predict";
import type { Signature } from "@/contracts/signature";
import { csvLine } from "@/lib/csv/csv-byte-records";
import { typedCell } from "@/server/services/labels/golden-sets-csv";
import type { FeatureValue } from "@/server/services/labels/golden-sets-hash";

/** Where a dataset's columns are: each key column's and each model input's index in the header. */
export type BatchColumns = {
  keys: { name: string; index: number }[];
  inputs: { name: string; type: Signature["inputs"][number]["type"]; index: number }[];
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
    inputs: signature.inputs.map((input) => ({ name: input.name, type: input.type, index: find(input.name, "input") })),
    outputs,
  };
}

/** A data row as the runtime takes it, or why it cannot be sent (a cell that is not of its input's type). */
export function featureRow(
  fields: readonly string[],
  columns: BatchColumns,
): { row: Record<string, FeatureValue> } | { error: string } {
  const row: Record<string, FeatureValue> = {};
  for (const input of columns.inputs) {
    const raw = fields[input.index];
    if (raw === undefined) return { error: `the row has no "${input.name}" cell` };
    const value = typedCell(raw, input.type);
    if (input.type !== "string" && typeof value === "string") return { error: `"${input.name}": ${value}` };
    row[input.name] = value;
  }
  return { row };
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
