/**
 * The JSONPath subset SageMaker batch transform applies to CSV records (developer guide, "Associate Prediction Results
 * with Input Records"): a CSV row is taken as a JSON array, so only index-based paths apply — `$`, `$[n]`, `$[n,m,…]`
 * (negative indexes count from the end, -1 the last column) and slices `$[start:end]` with either bound left out,
 * mixed as in `$[0,5:]`. SageMaker's guide documents a slice as inclusive of both bounds ("`$[1:4]` specifies the
 * second through fifth columns"), and that is what is implemented here. Names (`$.id`, `$['id']`) and wildcards are
 * JSON-only and refused.
 */
export type CsvFilter = { expression: string; parts: CsvFilterPart[] };
type CsvFilterPart = { kind: "index"; index: number } | { kind: "slice"; start?: number; end?: number };

/** DataProcessing.InputFilter / OutputFilter: "Length Constraints: Minimum length of 0. Maximum length of 63." */
export const MAX_FILTER_LENGTH = 63;

const INTEGER = /^-?\d+$/;

export class CsvFilterError extends Error {
  override name = "CsvFilterError";
}

const notAColumnFilter = (expression: string) =>
  new CsvFilterError(
    `${expression} is not a CSV column filter: use $, $[n], $[n,m] or $[start:end] (columns by index; names and wildcards apply to JSON only)`,
  );

function parsePart(text: string, expression: string): CsvFilterPart {
  const item = text.trim();
  if (INTEGER.test(item)) return { kind: "index", index: Number(item) };
  const bounds = item.split(":");
  if (bounds.length === 2 && bounds.every((bound) => bound.trim() === "" || INTEGER.test(bound.trim()))) {
    const [start, end] = bounds.map((bound) => (bound.trim() === "" ? undefined : Number(bound)));
    return { kind: "slice", start, end };
  }
  throw notAColumnFilter(expression);
}

export function parseCsvFilter(expression: string): CsvFilter {
  if (expression.length > MAX_FILTER_LENGTH)
    throw new CsvFilterError(`${expression} is longer than SageMaker's ${MAX_FILTER_LENGTH} characters`);
  const trimmed = expression.trim();
  if (trimmed === "$") return { expression, parts: [{ kind: "slice" }] };
  const match = /^\$\[(.+)\]$/.exec(trimmed);
  if (!match?.[1]) throw notAColumnFilter(expression);
  return { expression, parts: match[1].split(",").map((part) => parsePart(part, expression)) };
}

const resolve = (index: number, length: number) => (index < 0 ? length + index : index);

/** Which columns of a row of `length` the filter keeps, in order; undefined when it names one the row lacks. */
export function selectColumns(filter: CsvFilter, length: number): number[] | undefined {
  const selected: number[] = [];
  for (const part of filter.parts) {
    if (part.kind === "index") {
      const index = resolve(part.index, length);
      if (index < 0 || index >= length) return undefined;
      selected.push(index);
      continue;
    }
    const start = Math.max(0, resolve(part.start ?? 0, length));
    const end = Math.min(length - 1, resolve(part.end ?? length - 1, length));
    for (let index = start; index <= end; index++) selected.push(index);
  }
  return selected;
}

/**
 * Splits one CSV line (RFC 4180, no embedded newlines — SageMaker's rule for CSV with SplitType Line) into its fields
 * as written, quotes kept, so a filtered and re-joined line keeps every field byte for byte.
 */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '"') quoted = !quoted;
    else if (char === "," && !quoted) {
      fields.push(line.slice(start, i));
      start = i + 1;
    }
  }
  fields.push(line.slice(start));
  return fields;
}

/** The field's value: surrounding quotes removed and doubled quotes undone. */
export function unquoteCsvField(field: string): string {
  const trimmed = field.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"'))
    return trimmed.slice(1, -1).replace(/""/g, '"');
  return trimmed;
}
