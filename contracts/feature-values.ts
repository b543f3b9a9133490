/**
 * A feature value read from text (a CSV cell: a reference sample, a golden set, a SageMaker CSV capture) by the
 * signature's declared input type, never by how the text looks:
 * - `string`: the exact text, untouched (a postcode "01001" stays "01001"; no trimming, no number parsing);
 * - `float32` / `float64`: a decimal number (surrounding spaces allowed); "0x1F", "Infinity", "NaN", "" are not;
 * - `int64`: a decimal whole number within ±(2^53 − 1) (JSON and the runtime's validation have the same limit);
 * - `bool`: true / false / 1 / 0 in any case, surrounding spaces allowed.
 * The result is what the runtime would have validated from a JSON request, so binning, capture and review all see
 * one value. `undefined` means the text is not a value of that type.
 */
export type DeclaredFeatureType = "float32" | "float64" | "int64" | "string" | "bool";
export type TypedFeatureValue = number | string | boolean;

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TRUE_TEXT = new Set(["true", "1"]);
const FALSE_TEXT = new Set(["false", "0"]);

function decimal(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

export function featureValueFromText(type: DeclaredFeatureType, text: string): TypedFeatureValue | undefined {
  switch (type) {
    case "string":
      return text;
    case "float32":
    case "float64":
      return decimal(text);
    case "int64": {
      const value = decimal(text);
      return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
    }
    case "bool": {
      const lower = text.trim().toLowerCase();
      return TRUE_TEXT.has(lower) ? true : FALSE_TEXT.has(lower) ? false : undefined;
    }
  }
}
