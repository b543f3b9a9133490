import type { TensorSpec } from "@/contracts/signature";
import { badRequest } from "@/runtime/errors";

export type FeatureValue = number | bigint | boolean | string;
/** One validated row: the value of each signature input, in signature order. */
export type ValidatedRow = FeatureValue[];

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return `a ${typeof value}`;
}

/** The field converted to its tensor value, or undefined when it is not acceptable (then `problem` says why). */
function convert(spec: TensorSpec, value: unknown): FeatureValue | undefined {
  switch (spec.type) {
    case "float32":
    case "float64":
      return typeof value === "number" && Number.isFinite(value) ? value : undefined;
    case "int64":
      return typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : undefined;
    case "bool":
      return typeof value === "boolean" ? value : undefined;
    case "string":
      return typeof value === "string" ? value : undefined;
  }
}

function problem(spec: TensorSpec, value: unknown): string {
  switch (spec.type) {
    case "float32":
    case "float64":
      return `must be a finite number, got ${describe(value)}`;
    case "int64":
      return `must be an integer, got ${typeof value === "number" ? value : describe(value)}`;
    case "bool":
      return `must be true or false, got ${describe(value)}`;
    case "string":
      return `must be a string, got ${describe(value)}`;
  }
}

/**
 * Validates rows against the signature's inputs and converts them; the first bad field fails the request with a
 * 400 that names the row index and the field. Fields the signature does not name are ignored (callers often send
 * ids and other context along).
 */
export function validateRows(rows: readonly unknown[], inputs: readonly TensorSpec[]): ValidatedRow[] {
  return rows.map((row, rowIndex) => {
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw badRequest(`Row ${rowIndex} must be an object of feature values`, { rowIndex });
    }
    const record = row as Record<string, unknown>;
    return inputs.map((spec) => {
      if (!(spec.name in record)) {
        throw badRequest(`Row ${rowIndex}: missing field "${spec.name}" (${spec.type})`, {
          rowIndex,
          field: spec.name,
        });
      }
      const value = record[spec.name];
      const converted = convert(spec, value);
      if (converted === undefined) {
        throw badRequest(`Row ${rowIndex}: field "${spec.name}" ${problem(spec, value)}`, {
          rowIndex,
          field: spec.name,
        });
      }
      return converted;
    });
  });
}
