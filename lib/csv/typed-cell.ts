import type { TensorSpec } from "@/contracts/signature";

/** A decimal number as people write one in a CSV cell (sign, digits, point, exponent). */
export const CSV_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A cell as the signature declares its input: numbers for numeric tensors, booleans, and strings kept as written.
 * A cell that is not of its input's type answers why, as a string (never for string inputs, which take any text).
 */
export function typedCell(raw: string, type: TensorSpec["type"]): number | boolean | string {
  if (type === "string") return raw;
  const text = raw.trim();
  if (type === "bool") {
    if (text === "true" || text === "1") return true;
    if (text === "false" || text === "0") return false;
    return `expected true/false, got "${raw}"`;
  }
  if (!CSV_NUMBER.test(text)) return `expected a number (${type}), got "${raw}"`;
  const value = Number(text);
  if (!Number.isFinite(value)) return `expected a finite number, got "${raw}"`;
  if (type === "int64" && !Number.isSafeInteger(value)) return `expected an integer, got "${raw}"`;
  return value;
}
